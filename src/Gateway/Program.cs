using GridActors.Gateway.Hosting;
using GridActors.Silo.Hosting;
using GridActors.Silo.Storage;

var builder = WebApplication.CreateBuilder(HostArguments.WithoutConfigReload(args));
builder.AddGridActorsGateway();

var app = builder.Build();
app.MapGridActorsGateway();

// Check the database first: an unreachable one stops start-up with one line naming the setting to fix.
if (!await SchemaInstaller.TryInstallAsync(app.Configuration, app.Logger))
{
    return 1;
}
try
{
    await app.RunAsync();
}
catch (StorageUnavailableException e)
{
    // One line that says what to fix, instead of a stack trace.
    Console.Error.WriteLine(e.Message);
    return 1;
}
return 0;

/// <summary>The gateway's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;

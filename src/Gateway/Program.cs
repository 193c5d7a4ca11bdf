using GridActors.Gateway.Hosting;
using GridActors.Silo.Backup;
using GridActors.Silo.Hosting;
using GridActors.Silo.Storage;

// `backup --to FILE` and `restore --from FILE` run against the configured storage and exit (docs/operations.md).
if (BackupCommand.IsCommand(args))
{
    return await BackupCommand.RunAsync(args);
}
var builder = WebApplication.CreateBuilder(HostArguments.WithoutConfigReload(args));
builder.AddGridActorsGateway();

var app = builder.Build();
app.MapGridActorsGateway();

// A taken Orleans port or an unreachable database stops start-up with one line naming the setting to fix.
if (GatewayHostingExtensions.CoHostsSilo(app.Configuration) && !OrleansPorts.CheckFree(app.Configuration))
{
    return 1;
}
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
catch (Microsoft.AspNetCore.Connections.AddressInUseException e) when (GatewayHostingExtensions.CoHostsSilo(app.Configuration))
{
    // An Orleans port taken after the check above.
    Console.Error.WriteLine(OrleansPorts.InUseMessage(e));
    return 1;
}
return 0;

/// <summary>The gateway's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;

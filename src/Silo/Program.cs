using GridActors.Silo.Hosting;
using GridActors.Silo.Storage;

// A silo on its own (cluster profile): grains, storage, reminders and the health probes, no public API.
var builder = WebApplication.CreateBuilder(args);
builder.UseOrleans(silo => silo.AddGridActorsSilo(builder.Configuration));
builder.Services.AddGridActorsHealthChecks();

var app = builder.Build();
app.MapGridActorsHealth();

try
{
    await app.RunAsync();
}
catch (StorageUnavailableException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
return 0;

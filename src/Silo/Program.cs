using GridActors.Silo.Hosting;
using GridActors.Silo.Storage;

namespace GridActors.Silo;

/// <summary>A silo on its own (cluster profile): grains, storage, reminders and the health probes, no public API.</summary>
internal static class SiloProgram
{
    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.UseOrleans(silo => silo.AddGridActorsSilo(builder.Configuration));
        builder.Services.AddGridActorsHealthChecks();
        builder.AddGridActorsTelemetry("gridactors-silo");

        var app = builder.Build();
        app.MapGridActorsHealth();
        app.MapGridActorsMetrics();
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
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        return 0;
    }
}

using GridActors.Silo.Backup;
using GridActors.Silo.Hosting;
using GridActors.Silo.Storage;

namespace GridActors.Silo;

/// <summary>A silo on its own (cluster profile): grains, storage, reminders and the health probes, no public API.</summary>
internal static class SiloProgram
{
    /// <summary>Applies the storage schema (idempotently) and exits 0, or 1 when the database cannot be used.</summary>
    public const string InstallSchemaOnly = "--install-schema-only";

    public static async Task<int> Main(string[] args)
    {
        if (BackupCommand.IsCommand(args))
        {
            return await BackupCommand.RunAsync(args);
        }
        var builder = WebApplication.CreateBuilder(HostArguments.WithoutConfigReload(args));
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
        if (args.Contains(InstallSchemaOnly))
        {
            // A deployment's schema job (k8s/schema-job.yaml): the schema is in place, start nothing.
            return 0;
        }
        // So does an Orleans port taken by another process.
        if (!OrleansPorts.CheckFree(app.Configuration))
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
        catch (Microsoft.AspNetCore.Connections.AddressInUseException e)
        {
            // An Orleans port taken after the check above.
            await Console.Error.WriteLineAsync(OrleansPorts.InUseMessage(e));
            return 1;
        }
        return 0;
    }
}

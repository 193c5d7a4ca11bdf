namespace GridActors.Silo.Storage;

/// <summary>
/// Runs <see cref="SchemaInstaller"/> as the silo's very first start-up step, before Orleans'
/// storage, reminder and membership providers read the query catalogue (the earliest of them
/// starts at <see cref="ServiceLifecycleStage.RuntimeInitialize"/>). Every silo built with
/// <c>UseGridActorsStorage</c> or <c>UseGridActorsPersistence</c> therefore has its schema, test
/// clusters included. Running again after Program's own call costs a few milliseconds.
/// </summary>
internal sealed class SchemaInstallParticipant : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The lifecycle stage of the install: just before the runtime initialises.</summary>
    public const int Stage = ServiceLifecycleStage.RuntimeInitialize - 1;

    private readonly StorageOptions _options;
    private readonly ILogger _logger;

    public SchemaInstallParticipant(StorageOptions options, ILoggerFactory loggerFactory)
    {
        _options = options;
        _logger = loggerFactory.CreateLogger(SchemaInstaller.LoggerCategory);
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaInstallParticipant), Stage, cancellationToken => SchemaInstaller.InstallAsync(_options, _logger, cancellationToken));
}

using System.Security.Cryptography;
using GridActors.Silo.Storage;

namespace GridActors.Gateway.Access;

/// <summary>
/// The first admin key. From <c>Auth:BootstrapAdminKey</c> when set. Otherwise, on the embedded profile (a gateway
/// co-hosting its silo on SQLite), one is made on the first start and kept in <c>{DataDirectory}/bootstrap-admin-key</c>
/// (readable by its owner only), so the one-command service is usable at once and nobody else can guess the key.
/// A gateway of a cluster has none unless configured.
/// </summary>
public sealed partial class BootstrapAdminKey(IConfiguration configuration, ILogger<BootstrapAdminKey> logger) : IHostedService
{
    public const string FileName = "bootstrap-admin-key";

    private string? _value;

    public string? Value => _value ??= Resolve(announce: false);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _value = Resolve(announce: true);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private string? Resolve(bool announce)
    {
        if (configuration["Auth:BootstrapAdminKey"] is { Length: > 0 } configured)
        {
            return configured;
        }
        var storage = StorageOptions.FromConfiguration(configuration);
        if (!configuration.GetValue("Gateway:CoHostSilo", true) || storage.Provider != StorageProvider.Sqlite)
        {
            if (announce)
            {
                LogNoKey(logger);
            }
            return null;
        }
        var path = Path.GetFullPath(Path.Combine(storage.DataDirectory, FileName));
        var key = DataFolderSecret.ReadOrCreate(path, () => "gab." + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant());
        if (announce)
        {
            LogKeyFile(logger, path);
        }
        return key;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap admin key: in {Path} (send it as X-Api-Key to create the keys of your apps)")]
    private static partial void LogKeyFile(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No bootstrap admin key: set Auth:BootstrapAdminKey (Auth__BootstrapAdminKey) to create the first API keys")]
    private static partial void LogNoKey(ILogger logger);
}

using System.Security.Cryptography;
using GridActors.Grains.Access;
using GridActors.Grains.Staff;
using GridActors.Silo.Storage;

namespace GridActors.Gateway.Access;

/// <summary>
/// The first staff account, <c>admin</c>, made when the service starts and no account exists, so someone can sign in to
/// the console at once. Its password is <c>Auth:BootstrapAdminPassword</c> when set; otherwise, on the embedded profile
/// (as with <see cref="BootstrapAdminKey"/>), one is generated and kept in <c>{DataDirectory}/bootstrap-admin-password</c>
/// (readable by its owner only). A gateway of a cluster makes none unless configured.
/// </summary>
public sealed partial class BootstrapAdminAccount(IConfiguration configuration, IGrainFactory grains, ILogger<BootstrapAdminAccount> logger) : IHostedLifecycleService
{
    public const string Username = "admin";
    public const string FileName = "bootstrap-admin-password";

    // After every hosted service has started (the co-hosted silo, or the client's connection): grains answer by then.
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await grains.GetGrain<IStaffDirectoryGrain>(0).Any())
            {
                return;
            }
            if (Password() is not { } password)
            {
                LogNoAccount(logger);
                return;
            }
            await grains.GetGrain<IStaffAccountGrain>(Username).Create("系统管理员", "", Roles.All, StaffPasswords.Hash(password.Secret));
            LogAccount(logger, Username, password.Where);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The service still serves its API; the account is made on the next start.
            LogFailed(logger, e.Message);
        }
    }

    private (string Secret, string Where)? Password()
    {
        if (configuration["Auth:BootstrapAdminPassword"] is { Length: > 0 } configured)
        {
            return StaffPasswords.IsValid(configured) ? (configured, "the setting Auth:BootstrapAdminPassword") : throw new InvalidOperationException(
                $"Auth:BootstrapAdminPassword {StaffPasswords.Rule}");
        }
        var storage = StorageOptions.FromConfiguration(configuration);
        if (!configuration.GetValue("Gateway:CoHostSilo", true) || storage.Provider != StorageProvider.Sqlite)
        {
            return null;
        }
        var path = Path.GetFullPath(Path.Combine(storage.DataDirectory, FileName));
        // 18 letters and digits without look-alikes (about 93 bits): typed by hand once, then changed.
        return (DataFolderSecret.ReadOrCreate(path, () => RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 18)), path);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Console: staff account {Username} created; its password is in {Where} (sign in at /console)")]
    private static partial void LogAccount(ILogger logger, string username, string where);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console: no staff account yet; set Auth:BootstrapAdminPassword (Auth__BootstrapAdminPassword) to create the first, admin")]
    private static partial void LogNoAccount(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console: the first staff account could not be created ({Reason}); it is tried again on the next start")]
    private static partial void LogFailed(ILogger logger, string reason);
}

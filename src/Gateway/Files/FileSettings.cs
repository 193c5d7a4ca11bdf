using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GridActors.Gateway.Access;
using GridActors.Silo.Storage;
using Npgsql;

namespace GridActors.Gateway.Files;

/// <summary>
/// The section <c>Files</c>: <c>MaxBytes</c> (one file's size limit, default 10 MB), <c>AllowedTypes</c> (of jpeg, png,
/// webp, pdf; default all four), <c>LinkMinutes</c> (how long a signed link works, default 60) and, for gateways of a
/// cluster, <c>LinkSecret</c> (the embedded profile keeps its own in the data folder).
/// </summary>
public sealed class FileSettings
{
    public long MaxBytes { get; init; } = 10 * 1024 * 1024;

    public IReadOnlyList<EvidenceType> AllowedTypes { get; init; } = Enum.GetValues<EvidenceType>();

    public TimeSpan LinkLifetime { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Files in one multipart upload at most (the issue's own attachment limit applies as well).</summary>
    public const int MaxFilesPerRequest = 5;

    public string AllowedNames => string.Join(", ", AllowedTypes.Select(EvidenceContent.MediaType));

    public static FileSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Files");
        var types = section["AllowedTypes"] is { Length: > 0 } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(t => Enum.TryParse<EvidenceType>(t, ignoreCase: true, out var type) ? type
                    : throw new InvalidOperationException($"Files:AllowedTypes: \"{t}\" is not one of jpeg, png, webp, pdf"))
                .ToArray()
            : Enum.GetValues<EvidenceType>();
        return new FileSettings
        {
            MaxBytes = section.GetValue("MaxBytes", 10L * 1024 * 1024),
            AllowedTypes = types,
            LinkLifetime = TimeSpan.FromMinutes(section.GetValue("LinkMinutes", 60)),
        };
    }
}

/// <summary>
/// Time-limited links to an issue's file for apps (限时下载链接): the path and the expiry signed with HMAC-SHA256 under a
/// server secret, so the link works without a key until it expires and cannot be stretched or pointed at another file.
/// </summary>
public sealed class FileLinks(byte[] secret)
{
    public const string SecretFileName = "file-link-secret";

    /// <summary>Where signed links point: the keyless addresses are all under /public/.</summary>
    public const string SignedPrefix = "/public/v1/issue-files";

    public static string Path(Guid issue, Guid file) => $"/api/v1/issues/{issue}/files/{file}";

    public string Signed(Guid issue, Guid file, DateTimeOffset expires)
    {
        var at = expires.ToUnixTimeSeconds();
        return $"{SignedPrefix}/{issue}/{file}?expires={at}&sig={Signature(issue, file, at)}";
    }

    /// <summary>True when <paramref name="sig"/> is this server's signature of the file and expiry.</summary>
    public bool Verify(Guid issue, Guid file, long expires, string sig) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Signature(issue, file, expires)), Encoding.ASCII.GetBytes(sig));

    private string Signature(Guid issue, Guid file, long expires) =>
        Convert.ToHexString(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{issue}/{file}/{expires.ToString(CultureInfo.InvariantCulture)}"))).ToLowerInvariant();
}

public static class FilesHosting
{
    /// <summary>The store of the storage profile, the limits and the link signer.</summary>
    public static WebApplicationBuilder AddGridActorsFiles(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddSingleton(_ => FileSettings.FromConfiguration(configuration));
        builder.Services.AddSingleton<IEvidenceStore>(_ =>
        {
            var storage = StorageOptions.FromConfiguration(configuration);
            return storage.Provider == StorageProvider.PostgreSQL
                ? new PostgresEvidenceStore(NpgsqlDataSource.Create(storage.ResolveConnectionString()))
                : new DiskEvidenceStore(storage.DataDirectory);
        });
        builder.Services.AddSingleton(_ => new FileLinks(LinkSecret(configuration)));
        // Confirmation links are signed under the same server secret (a key derived from it), so a cluster needs no second one.
        builder.Services.AddSingleton(_ => new ConfirmLinks(LinkSecret(configuration), TimeSpan.FromDays(configuration.GetValue("Issues:ConfirmLinkDays", 30))));
        return builder;
    }

    private static byte[] LinkSecret(IConfiguration configuration)
    {
        if (configuration["Files:LinkSecret"] is { Length: > 0 } configured)
        {
            return Encoding.UTF8.GetBytes(configured);
        }
        var storage = StorageOptions.FromConfiguration(configuration);
        if (storage.Provider != StorageProvider.Sqlite)
        {
            throw new InvalidOperationException("Files:LinkSecret (Files__LinkSecret) must be set on gateways of a cluster: every gateway must check the links any of them signed");
        }
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(storage.DataDirectory, FileLinks.SecretFileName));
        return Convert.FromHexString(DataFolderSecret.ReadOrCreate(path, () => Convert.ToHexString(RandomNumberGenerator.GetBytes(32))));
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GridActors.Silo.Backup;

/// <summary>What a backup file says about itself, in its header line.</summary>
/// <param name="Profile"><c>sqlite</c> (the payload is a SQLite database file) or <c>postgresql</c> (a <c>pg_dump -Fc</c> archive).</param>
/// <param name="ServiceId">The <c>Storage:ServiceId</c> of the service it was taken from: rows are keyed by it.</param>
/// <param name="TakenAt">When the backup started (UTC).</param>
/// <param name="PayloadBytes">Length of the payload after the header.</param>
/// <param name="PayloadSha256">SHA-256 of the payload, lower-case hex.</param>
public sealed record BackupHeader(
    [property: JsonPropertyName("profile")] string Profile,
    [property: JsonPropertyName("serviceId")] string ServiceId,
    [property: JsonPropertyName("takenAt")] DateTimeOffset TakenAt,
    [property: JsonPropertyName("payloadBytes")] long PayloadBytes,
    [property: JsonPropertyName("payloadSha256")] string PayloadSha256);

/// <summary>
/// The backup file: a first line <c>GRIDACTORS-BACKUP 1</c>, a header line of JSON padded to a fixed length, then the
/// payload as the database's own tool wrote it. Neither a SQLite file nor a pg_dump archive says reliably that it is
/// whole: SQLite keeps no checksum of its rows (a flipped byte inside an issue's JSON passes every check SQLite has) and a
/// truncated dump is only noticed by pg_restore part-way. The header's length and SHA-256 are checked before a restore
/// touches anything; its profile and service id say whose data it is. The payload starts at a fixed offset, so
/// <c>tail -c +1025 FILE</c> gives the bare database file or dump for the tools themselves.
/// </summary>
public static class BackupFile
{
    public const string Magic = "GRIDACTORS-BACKUP 1\n";

    /// <summary>The magic line and the header line together; the payload starts here.</summary>
    public const int HeaderLength = 1024;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Writes the magic line and a blank header; <see cref="WriteHeader"/> fills it in once the payload is written.</summary>
    public static void WritePlaceholder(Stream output)
    {
        output.Write(Encoding.ASCII.GetBytes(Magic));
        var blank = new byte[HeaderLength - Magic.Length];
        Array.Fill(blank, (byte)' ');
        blank[^1] = (byte)'\n';
        output.Write(blank);
    }

    public static void WriteHeader(Stream output, BackupHeader header)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        var room = HeaderLength - Magic.Length - 1;
        if (json.Length > room)
        {
            throw new BackupRefusedException($"Backup refused: the header would be {json.Length} bytes, more than the {room} it has room for (is Storage:ServiceId that long?).");
        }
        output.Seek(Magic.Length, SeekOrigin.Begin);
        output.Write(json);
    }

    /// <summary>
    /// Reads and checks the header of <paramref name="path"/> and the payload's length and checksum. Throws
    /// <see cref="BackupRefusedException"/> naming what is wrong: not a GridActors backup, cut short, or damaged.
    /// </summary>
    public static BackupHeader ReadAndVerify(string path)
    {
        if (!File.Exists(path))
        {
            throw new BackupRefusedException($"Restore refused: there is no file '{path}'.");
        }
        using var input = File.OpenRead(path);
        var start = new byte[HeaderLength];
        var read = input.ReadAtLeast(start, HeaderLength, throwOnEndOfStream: false);
        var magic = Encoding.ASCII.GetBytes(Magic);
        if (read < magic.Length || !start.AsSpan(0, magic.Length).SequenceEqual(magic))
        {
            var what = read >= 16 && Encoding.ASCII.GetString(start, 0, 16) == "SQLite format 3\0"
                ? "a bare SQLite database, not a GridActors backup"
                : read >= 5 && Encoding.ASCII.GetString(start, 0, 5) == "PGDMP"
                    ? "a bare pg_dump archive, not a GridActors backup"
                    : "not a GridActors backup";
            throw new BackupRefusedException($"Restore refused: '{path}' is {what} (it does not start with 'GRIDACTORS-BACKUP 1'); make backups with the 'backup' command.");
        }
        if (read < HeaderLength)
        {
            throw new BackupRefusedException($"Restore refused: '{path}' is cut short inside its header ({read} of {HeaderLength} bytes); the backup is damaged.");
        }
        BackupHeader? header;
        try
        {
            header = JsonSerializer.Deserialize<BackupHeader>(start.AsSpan(magic.Length, HeaderLength - magic.Length), Json);
        }
        catch (JsonException)
        {
            header = null;
        }
        if (header is null || string.IsNullOrEmpty(header.Profile) || string.IsNullOrEmpty(header.ServiceId) || header.PayloadSha256 is not { Length: 64 })
        {
            throw new BackupRefusedException($"Restore refused: the header of '{path}' cannot be read; the backup is damaged or unfinished.");
        }
        var actual = input.Length - HeaderLength;
        if (actual != header.PayloadBytes)
        {
            throw new BackupRefusedException(
                $"Restore refused: '{path}' holds {actual} bytes of data where its header says {header.PayloadBytes}; the backup is {(actual < header.PayloadBytes ? "cut short" : "damaged")}.");
        }
        var sha = Convert.ToHexStringLower(SHA256.HashData(input));
        if (!string.Equals(sha, header.PayloadSha256, StringComparison.Ordinal))
        {
            throw new BackupRefusedException($"Restore refused: the data in '{path}' does not match its checksum (SHA-256); the backup is damaged.");
        }
        return header;
    }

    /// <summary>Opens <paramref name="path"/> positioned at its payload.</summary>
    public static FileStream OpenPayload(string path)
    {
        var input = File.OpenRead(path);
        input.Seek(HeaderLength, SeekOrigin.Begin);
        return input;
    }

    /// <summary>A new file only its owner may read (the backup holds members' phones and reporters' names).</summary>
    public static FileStream CreatePrivate(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return new FileStream(path, options);
    }
}

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using GridActors.Silo.Backup;

namespace GridActors.Tests.Backup;

/// <summary>The gateway's executable run as an operator runs it for <c>backup</c> and <c>restore</c>, in a process of its own.</summary>
internal static class BackupCli
{
    public sealed record Outcome(int ExitCode, string[] Output, string[] Errors)
    {
        public override string ToString() => $"exit {ExitCode}\nout: {string.Join('\n', Output)}\nerr: {string.Join('\n', Errors)}";
    }

    public static async Task<Outcome> Run(IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "GridActors.Gateway.dll"), .. args])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new Outcome(process.ExitCode, Lines(await output), Lines(await errors));
    }

    public static IReadOnlyDictionary<string, string> Sqlite(string dataDirectory, string serviceId = "gridactors") => new Dictionary<string, string>
    {
        ["Storage__Provider"] = "Sqlite",
        ["Storage__DataDirectory"] = dataDirectory,
        ["Storage__ServiceId"] = serviceId,
    };

    public static IReadOnlyDictionary<string, string> Postgres(string connectionString, string serviceId = "gridactors") => new Dictionary<string, string>
    {
        ["Storage__Provider"] = "PostgreSQL",
        ["Storage__ConnectionString"] = connectionString,
        ["Storage__ServiceId"] = serviceId,
    };

    /// <summary>Asserts the command stopped with one line on its error output that contains <paramref name="reason"/>.</summary>
    public static void AssertRefused(Outcome outcome, string reason)
    {
        Assert.True(outcome.ExitCode != 0, outcome.ToString());
        Assert.True(outcome.Errors.Length == 1, "expected one line saying why:\n" + outcome);
        Assert.Contains(reason, outcome.Errors[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// The damaged and foreign files a restore must refuse, made from a good backup, by name: <paramref name="foreignFile"/>
    /// is another application's file as it is, <paramref name="foreignPayload"/> the same laid out as a backup's data.
    /// </summary>
    public static string Damage(string good, string kind, string folder, byte[] foreignFile, byte[] foreignPayload)
    {
        var path = Path.Combine(folder, $"{kind}-{Guid.NewGuid():N}.backup");
        var bytes = File.ReadAllBytes(good);
        switch (kind)
        {
            case "truncated":
                File.WriteAllBytes(path, bytes[..(BackupFile.HeaderLength + (bytes.Length - BackupFile.HeaderLength) / 2)]);
                break;
            case "corrupted":
                // One byte in the middle of the data: a flipped bit inside a row that no database check would see.
                bytes[BackupFile.HeaderLength + (bytes.Length - BackupFile.HeaderLength) / 2] ^= 0x20;
                File.WriteAllBytes(path, bytes);
                break;
            case "foreign-bare":
                File.WriteAllBytes(path, foreignFile);
                break;
            case "foreign-wrapped":
                // A well-formed backup file whose data is another application's database.
                using (var output = File.Create(path))
                {
                    var magic = Encoding.ASCII.GetBytes(BackupFile.Magic);
                    var header = Encoding.UTF8.GetString(bytes, magic.Length, BackupFile.HeaderLength - magic.Length);
                    var json = System.Text.Json.Nodes.JsonNode.Parse(header)!;
                    json["payloadBytes"] = foreignPayload.Length;
                    json["payloadSha256"] = Convert.ToHexStringLower(SHA256.HashData(foreignPayload));
                    output.Write(magic);
                    output.Write(Encoding.UTF8.GetBytes(json.ToJsonString().PadRight(BackupFile.HeaderLength - magic.Length - 1) + "\n"));
                    output.Write(foreignPayload);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
        return path;
    }

    /// <summary>Every file under <paramref name="folder"/> with its SHA-256, or empty when the folder is absent.</summary>
    public static Dictionary<string, string> Snapshot(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))))
            : [];
}

namespace GridActors.Gateway.Files;

/// <summary>
/// Evidence files on disk under <c>{DataDirectory}/files</c>, as <c>ab/abcdef…</c> by SHA-256 (the embedded profile: one
/// gateway, its own disk). A file is written to a temporary name in the same folder and renamed into place, so a reader
/// never sees half a file and a crash leaves only a temporary file, never a wrong one under a real name. Uploads in
/// progress are <c>uploads/{id}</c> with a <c>.limit</c> file beside; only the owner may read any of it.
/// </summary>
public sealed class DiskEvidenceStore(string root) : IEvidenceStore
{
    private static readonly SemaphoreSlim Appending = new(1, 1);

    public string Root { get; } = Path.GetFullPath(root);

    private string FilePath(string sha256) => Path.Combine(Root, "files", sha256[..2], sha256);

    private string UploadPath(Guid id) => Path.Combine(Root, "uploads", id.ToString("N"));

    public async Task Put(string sha256, byte[] content, CancellationToken cancellationToken = default)
    {
        var path = FilePath(sha256);
        if (File.Exists(path))
        {
            return;
        }
        CreateFolder(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var stream = new FileStream(temporary, OwnerOnly(FileMode.CreateNew)))
            {
                await stream.WriteAsync(content, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public async Task<byte[]?> Get(string sha256, CancellationToken cancellationToken = default)
    {
        var path = FilePath(sha256);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }

    public async Task CreateUpload(Guid id, long limit, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        var path = UploadPath(id);
        CreateFolder(Path.GetDirectoryName(path)!);
        await using (new FileStream(path, OwnerOnly(FileMode.CreateNew)))
        {
        }
        await File.WriteAllTextAsync(path + ".limit", $"{limit} {expiresAt.ToUnixTimeSeconds()}", cancellationToken);
    }

    public async Task<(long Offset, long Limit)?> UploadOffset(Guid id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var path = UploadPath(id);
        if (!File.Exists(path + ".limit"))
        {
            return null;
        }
        var parts = (await File.ReadAllTextAsync(path + ".limit", cancellationToken)).Split(' ');
        if (DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)) <= now)
        {
            await DeleteUpload(id, cancellationToken);
            return null;
        }
        return (new FileInfo(path).Length, long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task<long?> Append(Guid id, long offset, byte[] chunk, CancellationToken cancellationToken = default)
    {
        // One append at a time, so two retries of one chunk cannot both see the old offset and both write.
        await Appending.WaitAsync(cancellationToken);
        try
        {
            await using var stream = new FileStream(UploadPath(id), FileMode.Open, FileAccess.Write);
            if (stream.Length != offset)
            {
                return null;
            }
            stream.Seek(0, SeekOrigin.End);
            await stream.WriteAsync(chunk, cancellationToken);
            return stream.Length;
        }
        finally
        {
            Appending.Release();
        }
    }

    public async Task<byte[]?> ReadUpload(Guid id, CancellationToken cancellationToken = default)
    {
        var path = UploadPath(id);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }

    public Task DeleteUpload(Guid id, CancellationToken cancellationToken = default)
    {
        File.Delete(UploadPath(id));
        File.Delete(UploadPath(id) + ".limit");
        return Task.CompletedTask;
    }

    private static FileStreamOptions OwnerOnly(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return options;
    }

    private static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}

namespace GridActors.Gateway.Access;

/// <summary>
/// A secret the embedded profile generates once and keeps in a file of the data folder (the bootstrap admin key, the first
/// console password): the folder and the file are their owner's only (docs/operations.md), whichever is made first.
/// </summary>
internal static class DataFolderSecret
{
    /// <summary>The secret in <paramref name="path"/>, written there from <paramref name="generate"/> when the file does not exist.</summary>
    public static string ReadOrCreate(string path, Func<string> generate)
    {
        if (!File.Exists(path))
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using var writer = new StreamWriter(new FileStream(path, options));
            writer.Write(generate());
        }
        return File.ReadAllText(path).Trim();
    }
}

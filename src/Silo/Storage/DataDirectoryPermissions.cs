using System.Runtime.Versioning;

namespace GridActors.Silo.Storage;

/// <summary>
/// Keeps the embedded profile's data private to the service's own user: the data directory 0700 and the SQLite files
/// (the database, <c>-wal</c>, <c>-shm</c>, <c>-journal</c>) 0600, as the bootstrap admin key file already is. The files
/// hold members' phones and reporters' names; with the process umask of 022 they were 0644 and another local user could
/// read them, the WAL included.
/// .NET cannot set the umask, so the database file is created here, 0600, before SQLite opens it: SQLite's unix VFS then
/// gives the -wal, -shm and -journal files it creates the main file's mode. Files and a directory left wider by an
/// earlier version (or copied in) are narrowed at start-up, with one warning naming them; a later start finds nothing to
/// narrow and says nothing.
/// </summary>
internal static partial class DataDirectoryPermissions
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode DatabaseFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The companions SQLite writes beside the database file.</summary>
    public static readonly string[] CompanionSuffixes = ["-wal", "-shm", "-journal"];

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Creates <paramref name="directory"/> (owner only) when missing, or narrows it when it is
    /// <paramref name="ownDirectory"/> (the configured data directory: a folder named by a connection string may be shared
    /// with other files, so it is left as the operator made it).
    /// </summary>
    public static void PrepareDirectory(string directory, bool ownDirectory, ILogger logger)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, DirectoryMode);
            return;
        }
        if (ownDirectory)
        {
            Narrow(directory, DirectoryMode, logger);
        }
    }

    /// <summary>
    /// Creates the database file 0600 when missing (an empty file is a new database to SQLite) and narrows the database
    /// and its companions when they are wider.
    /// </summary>
    public static void PrepareFiles(string databaseFile, ILogger logger)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        if (!File.Exists(databaseFile))
        {
            try
            {
                using var _ = new FileStream(databaseFile, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = DatabaseFileMode,
                });
            }
            catch (IOException) when (File.Exists(databaseFile))
            {
                // Another process installing at the same moment created it first; it is narrowed below like any other.
            }
        }
        Narrow(databaseFile, DatabaseFileMode, logger);
        foreach (var suffix in CompanionSuffixes)
        {
            if (File.Exists(databaseFile + suffix))
            {
                Narrow(databaseFile + suffix, DatabaseFileMode, logger);
            }
        }
    }

    // Only group and other bits are taken away; a path the service does not own (a volume mounted for a group) cannot be
    // changed and is reported instead of stopping the start.
    [UnsupportedOSPlatform("windows")]
    private static void Narrow(string path, UnixFileMode wanted, ILogger logger)
    {
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) == 0)
        {
            return;
        }
        try
        {
            File.SetUnixFileMode(path, (mode & ~GroupOrOther) | wanted);
            LogNarrowed(logger, path, Octal(mode), Octal(File.GetUnixFileMode(path)));
        }
        catch (UnauthorizedAccessException)
        {
            LogCannotNarrow(logger, path, Octal(mode));
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} was readable by other users (mode {OldMode}); narrowed to {NewMode}, its owner only")]
    private static partial void LogNarrowed(ILogger logger, string path, string oldMode, string newMode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} is readable by other users (mode {Mode}) and this service may not change it: make it its owner's only (chmod go-rwx)")]
    private static partial void LogCannotNarrow(ILogger logger, string path, string mode);
}

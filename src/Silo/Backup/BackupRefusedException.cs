namespace GridActors.Silo.Backup;

/// <summary>
/// A backup or restore that stopped before changing anything, for a reason the operator can fix. Its message is the one
/// line the command prints (no stack trace): what was wrong and what to do.
/// </summary>
public sealed class BackupRefusedException : Exception
{
    public BackupRefusedException(string message)
        : base(message)
    {
    }

    public BackupRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BackupRefusedException()
    {
    }
}

namespace GridActors.Silo.Storage;

/// <summary>
/// The configured database cannot be used (unreachable host, refused login, missing database,
/// unwritable SQLite directory, bad setting). <see cref="Exception.Message"/> is one line meant
/// for the operator: it names the host or file and the setting to fix. Print the message, not the
/// stack trace.
/// </summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Finds a <see cref="StorageUnavailableException"/> in <paramref name="exception"/> or its inner
    /// exceptions (hosts and Orleans' start-up may wrap it).
    /// </summary>
    public static StorageUnavailableException? FindIn(Exception? exception)
    {
        while (exception is not null)
        {
            switch (exception)
            {
                case StorageUnavailableException found:
                    return found;
                case AggregateException aggregate:
                    foreach (var inner in aggregate.InnerExceptions)
                    {
                        if (FindIn(inner) is { } nested)
                        {
                            return nested;
                        }
                    }

                    return null;
                default:
                    exception = exception.InnerException;
                    break;
            }
        }

        return null;
    }
}

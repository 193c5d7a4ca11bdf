namespace GridActors.Grains.Infrastructure;

/// <summary>
/// Names shared by the silo's configuration and the grains, so no provider name is a repeated literal.
/// </summary>
public static class StorageNames
{
    /// <summary>The grain storage provider every grain of this project writes to (SQLite or PostgreSQL).</summary>
    public const string Grains = "GridStore";
}

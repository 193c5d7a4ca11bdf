namespace GridActors.Grains.Staff;

[GenerateSerializer, Alias("GridActors.StaffAccountState")]
public sealed class StaffAccountState
{
    [Id(0)] public StaffAccountInfo? Info { get; set; }
    [Id(1)] public string? PasswordHash { get; set; }

    /// <summary>The fingerprint of the request that created the account with an Idempotency-Key (never of its password).</summary>
    [Id(2)] public string? CreatedBy { get; set; }
}

[GenerateSerializer, Alias("GridActors.StaffDirectoryState")]
public sealed class StaffDirectoryState
{
    /// <summary>Username → the account's jurisdiction.</summary>
    [Id(0)] public SortedDictionary<string, string> Accounts { get; set; } = new(StringComparer.Ordinal);
}

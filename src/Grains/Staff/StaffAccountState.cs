namespace GridActors.Grains.Staff;

[GenerateSerializer, Alias("GridActors.StaffAccountState")]
public sealed class StaffAccountState
{
    [Id(0)] public StaffAccountInfo? Info { get; set; }
    [Id(1)] public string? PasswordHash { get; set; }

    /// <summary>The fingerprint of the request that created the account with an Idempotency-Key (never of its password).</summary>
    [Id(2)] public string? CreatedBy { get; set; }

    /// <summary>When the recent failed sign-ins happened (those older than the lockout window are dropped).</summary>
    [Id(3)] public List<DateTimeOffset> FailedSignIns { get; set; } = [];

    [Id(4)] public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>An admin reset the password: the member chooses a new one at the next sign-in.</summary>
    [Id(5)] public bool MustChangePassword { get; set; }
}

[GenerateSerializer, Alias("GridActors.StaffDirectoryState")]
public sealed class StaffDirectoryState
{
    /// <summary>Username → the account's jurisdiction.</summary>
    [Id(0)] public SortedDictionary<string, string> Accounts { get; set; } = new(StringComparer.Ordinal);
}

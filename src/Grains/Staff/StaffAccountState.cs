namespace GridActors.Grains.Staff;

[GenerateSerializer, Alias("GridActors.StaffAccountState")]
public sealed class StaffAccountState
{
    [Id(0)] public StaffAccountInfo? Info { get; set; }
    [Id(1)] public string? PasswordHash { get; set; }
}

[GenerateSerializer, Alias("GridActors.StaffDirectoryState")]
public sealed class StaffDirectoryState
{
    /// <summary>Username → the account's jurisdiction.</summary>
    [Id(0)] public SortedDictionary<string, string> Accounts { get; set; } = new(StringComparer.Ordinal);
}

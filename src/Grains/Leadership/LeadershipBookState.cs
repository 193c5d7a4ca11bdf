namespace GridActors.Grains.Leadership;

[GenerateSerializer, Alias("GridActors.LeadershipBookState")]
public sealed class LeadershipBookState
{
    /// <summary>Village code → its term's summary, ordered by code so a township is one contiguous run.</summary>
    [Id(0)] public SortedDictionary<string, VillageTermSummary> Villages { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Village code → the filing record of its secretary.</summary>
    [Id(1)] public Dictionary<string, SecretaryFiling> Filings { get; set; } = [];

    /// <summary>True once the county's list of terms (<see cref="ILeadershipTermsGrain"/>) names this year.</summary>
    [Id(2)] public bool Indexed { get; set; }
}

namespace GridActors.Grains.Leadership;

/// <summary>
/// A county's book of one term (换届): the summary of every village's cadres for that election year, and
/// the county's filing record (县级党委备案) of each secretary of the term. Keyed <c>county-year</c>
/// (<see cref="CountyYear"/>). Reports of the county and of its townships are sums over this book, so a
/// report never calls the village grains. See docs/leadership.md.
/// </summary>
[Alias("GridActors.ILeadershipBookGrain")]
public interface ILeadershipBookGrain : IGrainWithStringKey
{
    /// <summary>Sets (replaces) a village's summary for this term. Idempotent.</summary>
    [Alias("Record")]
    Task Record(string village, VillageTermSummary summary);

    /// <summary>Forgets a village's term and its filing. Idempotent.</summary>
    [Alias("Remove")]
    Task Remove(string village);

    /// <summary>Sums over the villages whose code starts with <paramref name="unit"/> (a county or township code).</summary>
    [Alias("Totals")]
    Task<LeadershipTotals> Totals(string unit);

    /// <summary>The secretaries of the villages under <paramref name="unit"/>, by village code.</summary>
    [Alias("Secretaries")]
    Task<IReadOnlyList<SecretaryRecord>> Secretaries(string unit);

    /// <summary>Records the county's filing decision on the village's secretary; null when the village has no term here.</summary>
    [Alias("File")]
    Task<SecretaryRecord?> File(string village, FilingDecision decision);
}

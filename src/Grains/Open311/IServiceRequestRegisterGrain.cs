namespace GridActors.Grains.Open311;

/// <summary>
/// The Open311 register of one county (诉求登记簿), keyed by the county code: which issues the county has,
/// by the day they were reported, so <c>GET /open311/v2/requests</c> can list a county's requests.
/// Requests posted through Open311 are recorded at once. Issues reported any other way (the
/// <c>/api/v1</c> report, a Party member on post) are learnt by catching up with the queues of the county's
/// units, which between them hold every issue (see docs/open311.md).
/// </summary>
[Alias("GridActors.IServiceRequestRegisterGrain")]
public interface IServiceRequestRegisterGrain : IGrainWithStringKey
{
    /// <summary>Records a request posted through Open311; idempotent.</summary>
    [Alias("Record")]
    Task Record(ServiceRequestEntry entry);

    /// <summary>
    /// Requests of the window, newest first. First catches up with the county's queues when the last catch-up
    /// is older than <paramref name="maxStaleness"/> (real time).
    /// </summary>
    [Alias("Find")]
    Task<IReadOnlyList<ServiceRequestEntry>> Find(ServiceRequestQuery query, TimeSpan maxStaleness);
}

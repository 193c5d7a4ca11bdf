namespace GridActors.Grains.Leadership;

[GenerateSerializer, Alias("GridActors.VillageLeadershipState")]
public sealed class VillageLeadershipState
{
    /// <summary>Term year → the term.</summary>
    [Id(0)] public SortedDictionary<int, VillageTerm> Terms { get; set; } = [];

    /// <summary>
    /// Outbox: years whose change the county's book has not confirmed. Written with the change, so a change
    /// stored but not yet booked (the book call failed, the silo stopped) is sent again on the next call or activation.
    /// </summary>
    [Id(1)] public SortedSet<int> Unbooked { get; set; } = [];
}

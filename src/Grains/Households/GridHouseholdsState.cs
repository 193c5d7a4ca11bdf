namespace GridActors.Grains.Households;

/// <summary>The households of one grid and the pairings (联系帮扶) with them. A grid holds tens to a few hundred.</summary>
[GenerateSerializer, Alias("GridActors.GridHouseholdsState")]
public sealed class GridHouseholdsState
{
    [Id(0)] public Dictionary<Guid, Household> Households { get; set; } = [];
    [Id(1)] public Dictionary<Guid, Pairing> Pairings { get; set; } = [];
}

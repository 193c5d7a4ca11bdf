namespace GridActors.Grains.Units;

/// <summary>Typed access to unit grains: a raw string never becomes a grain key without being parsed.</summary>
public static class UnitGrainFactoryExtensions
{
    public static IUnitGrain GetUnit(this IGrainFactory grains, UnitCode code) => code.Level switch
    {
        UnitLevel.County => grains.GetGrain<ICountyGrain>(code.Value),
        UnitLevel.Township => grains.GetGrain<ITownshipGrain>(code.Value),
        UnitLevel.Village => grains.GetGrain<IVillageGrain>(code.Value),
        _ => grains.GetGrain<IGridGrain>(code.Value),
    };

    public static IGridGrain GetGrid(this IGrainFactory grains, GridCode code) => grains.GetGrain<IGridGrain>(code.ToString());

    public static ICountyGrain GetCounty(this IGrainFactory grains, CountyCode code) => grains.GetGrain<ICountyGrain>(code.ToString());
}

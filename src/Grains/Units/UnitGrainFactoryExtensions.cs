using GridActors.Grains.Infrastructure;

namespace GridActors.Grains.Units;

/// <summary>Typed access to unit grains: a raw string never becomes a grain key without being parsed.</summary>
public static class UnitGrainFactoryExtensions
{
    public static IUnitGrain GetUnit(this IGrainFactory grains, UnitCode code) => code.Level switch
    {
        UnitLevel.Province => grains.Get<IProvinceGrain>(code.Value),
        UnitLevel.City => grains.Get<ICityGrain>(code.Value),
        UnitLevel.County => grains.Get<ICountyGrain>(code.Value),
        UnitLevel.Township => grains.Get<ITownshipGrain>(code.Value),
        UnitLevel.Village => grains.Get<IVillageGrain>(code.Value),
        _ => grains.Get<IGridGrain>(code.Value),
    };

    public static IGridGrain GetGrid(this IGrainFactory grains, GridCode code) => grains.Get<IGridGrain>(code.ToString());

    public static ICountyGrain GetCounty(this IGrainFactory grains, CountyCode code) => grains.Get<ICountyGrain>(code.ToString());
}

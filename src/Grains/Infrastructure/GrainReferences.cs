namespace GridActors.Grains.Infrastructure;

/// <summary>
/// Grain references for the calls made on every request. Orleans' <c>GetGrain&lt;T&gt;(key)</c> looks up the interface's
/// attributes by reflection on each call (7 % of the CPU of a grid read, 3 % of a report, in the profiles of
/// BENCHMARKS.md); here the grain type and interface type are looked up once per interface and the reference is made
/// from the grain id. The reference is the same one <c>GetGrain</c> returns.
/// </summary>
public static class GrainReferences
{
    public static T Get<T>(this IGrainFactory grains, string key) where T : IGrainWithStringKey
    {
        var types = Types<T>.Known ??= Types<T>.Of(grains.GetGrain<T>("-"));
        return (T)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
    }

    public static T Get<T>(this IGrainFactory grains, Guid key) where T : IGrainWithGuidKey
    {
        var types = Types<T>.Known ??= Types<T>.Of(grains.GetGrain<T>(Guid.Empty));
        return (T)grains.GetGrain(GrainId.Create(types.Grain, GrainIdKeyExtensions.CreateGuidKey(key)), types.Interface);
    }

    public static T Get<T>(this IGrainFactory grains, long key) where T : IGrainWithIntegerKey
    {
        var types = Types<T>.Known ??= Types<T>.Of(grains.GetGrain<T>(0));
        return (T)grains.GetGrain(GrainId.Create(types.Grain, GrainIdKeyExtensions.CreateIntegerKey(key)), types.Interface);
    }

    // Per interface: the same in every silo and client of this process (both come from the interface's own attributes).
    private static class Types<T>
    {
        public static (GrainType Grain, GrainInterfaceType Interface)? Known;

        public static (GrainType, GrainInterfaceType) Of(T sample) =>
            (((GrainReference)(object)sample!).GrainId.Type, ((GrainReference)(object)sample!).InterfaceType);
    }
}

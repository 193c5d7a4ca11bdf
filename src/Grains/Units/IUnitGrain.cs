namespace GridActors.Grains.Units;

/// <summary>
/// An administrative unit of the governance network (治理网), keyed by its division code.
/// </summary>
[Alias("GridActors.IUnitGrain")]
public interface IUnitGrain : IGrainWithStringKey
{
    /// <summary>Creates or updates the unit. Registers it with its parent first: with no parent nothing is written.</summary>
    [Alias("Upsert")]
    Task<UpsertOutcome> Upsert(UnitDetails details, long? expectedVersion = null);

    /// <summary>The unit, or null when it is not registered.</summary>
    [Alias("Get")]
    Task<UnitView?> Get();

    /// <summary>
    /// The unit as <see cref="Get"/> gives it, unless it is unchanged since <paramref name="knownRevision"/> (a revision
    /// this method answered before): then only the revision, so a reader that kept the unit's answer can send it again.
    /// </summary>
    [Alias("Read")]
    Task<UnitRead> Read(string? knownRevision);

    [Alias("IsRegistered")]
    Task<bool> IsRegistered();

    /// <summary>Called by a child on its registration or rename; false when this unit is not registered.</summary>
    [Alias("AttachChild")]
    Task<bool> AttachChild(ChildUnit child);

    /// <summary>
    /// 批量导入: <see cref="AttachChild"/> for several children at once, with one write (none when every child is
    /// already listed under that name); false, and nothing written, when this unit is not registered. Each child
    /// then writes itself with <see cref="Upsert"/>, which finds itself listed and writes nothing here.
    /// </summary>
    [Alias("AttachChildren")]
    Task<bool> AttachChildren(IReadOnlyList<ChildUnit> children);

    /// <summary>Undoes <see cref="AttachChild"/> when the child could not write its own state.</summary>
    [Alias("DetachChild")]
    Task DetachChild(string childCode);

    /// <summary>This unit and everything under it; null when not registered.</summary>
    [Alias("GetSubtree")]
    Task<UnitTreeNode?> GetSubtree();
}

/// <summary>省: a province (省/自治区/直辖市), reading the roll-ups of its cities and counties.</summary>
[Alias("GridActors.IProvinceGrain")]
public interface IProvinceGrain : IUnitGrain;

/// <summary>市: a city (地级市/自治州/地区), reading the roll-ups of its counties.</summary>
[Alias("GridActors.ICityGrain")]
public interface ICityGrain : IUnitGrain;

/// <summary>县(区): the unit that runs the programme.</summary>
[Alias("GridActors.ICountyGrain")]
public interface ICountyGrain : IUnitGrain;

/// <summary>乡镇: township (乡/镇/街道).</summary>
[Alias("GridActors.ITownshipGrain")]
public interface ITownshipGrain : IUnitGrain;

/// <summary>村/社区: village or community.</summary>
[Alias("GridActors.IVillageGrain")]
public interface IVillageGrain : IUnitGrain;

/// <summary>网格: the smallest governance unit; every issue enters here.</summary>
[Alias("GridActors.IGridGrain")]
public interface IGridGrain : IUnitGrain;

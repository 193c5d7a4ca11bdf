namespace GridActors.Grains.Leadership;

/// <summary>
/// A village's two committees (村两委) term by term (换届), keyed by the village code. Each change is handed
/// to the county's book of that term (<see cref="ILeadershipBookGrain"/>), from which reports are read.
/// </summary>
[Alias("GridActors.IVillageLeadershipGrain")]
public interface IVillageLeadershipGrain : IGrainWithStringKey
{
    /// <summary>Replaces the cadres of the term <see cref="VillageTerm.Year"/>; true when the term is new.</summary>
    [Alias("PutTerm")]
    Task<bool> PutTerm(VillageTerm term);

    [Alias("GetTerm")]
    Task<VillageTerm?> GetTerm(int year);

    /// <summary>Every term held, oldest first.</summary>
    [Alias("ListTerms")]
    Task<IReadOnlyList<VillageTerm>> ListTerms();

    /// <summary>Removes a term recorded by mistake; false when there was none.</summary>
    [Alias("DeleteTerm")]
    Task<bool> DeleteTerm(int year);
}

using GridActors.Grains.Access;
using GridActors.Grains.PartyNetwork;

namespace GridActors.Grains.Households;

/// <summary>
/// The households of a grid (keyed by the grid code), their needs, and the pairings with members. It calls
/// member grains (to take or give back a pairing) and Party groups (for their rosters); they never call it.
/// </summary>
[Alias("GridActors.IGridHouseholdsGrain")]
public interface IGridHouseholdsGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task<PartyResult<Household>> Register(Guid id, HouseholdDetails details, string? fingerprint);

    [Alias("Update")]
    Task<PartyResult<Household>> Update(Guid id, HouseholdDetails details, long? expectedVersion);

    [Alias("Get")]
    Task<Household?> Get(Guid id);

    /// <summary>
    /// 批量导入: registers or updates several households of this grid with one write. Each row is checked on its
    /// own and applied whole or not at all, so a refused row never stops the others; an update keeps the member
    /// links, plaque and central-household links (a sheet has no column for them). Answers in the order given.
    /// </summary>
    [Alias("Import")]
    Task<IReadOnlyList<ImportResult>> Import(IReadOnlyList<HouseholdImport> rows);

    [Alias("List")]
    Task<IReadOnlyList<Household>> List();

    /// <summary>Member households with the plaque or serving as central households.</summary>
    [Alias("Homes")]
    Task<IReadOnlyList<PartyMemberHome>> Homes();

    /// <summary>Pairing suggestions for the grid's households with unmet needs (see <see cref="PairingMatcher"/>).</summary>
    [Alias("Suggest")]
    Task<IReadOnlyList<HouseholdSuggestion>> Suggest(int limit);

    [Alias("AcceptPairing")]
    Task<PartyResult<Pairing>> AcceptPairing(PairingRequest request);

    [Alias("EndPairing")]
    Task<PartyResult<Pairing>> EndPairing(Guid pairingId, string reason, string? by, Actor? actor = null);

    [Alias("LogVisit")]
    Task<PartyResult<PairingVisit>> LogVisit(Guid pairingId, PairingVisit visit);

    [Alias("Pairings")]
    Task<IReadOnlyList<Pairing>> Pairings(PairingStatus? status);
}

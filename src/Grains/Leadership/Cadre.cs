using GridActors.Grains.Access;
using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.Leadership;

/// <summary>A cadre (村干部): a member of the branch committee (支委), the villagers' committee (村委), or both.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.Cadre")]
public sealed record Cadre(
    string Name,
    Gender Gender,
    DateOnly BirthDate,
    Education Education,
    bool PartyMember,
    IReadOnlyList<CadreRole> Roles);

/// <summary>One village's two committees for one term (换届), keyed by the election year.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.VillageTerm")]
public sealed record VillageTerm(
    int Year,
    DateOnly ElectedOn,
    IReadOnlyList<Cadre> Cadres,
    DateTimeOffset UpdatedAt,
    Actor? Actor = null)
{
    /// <summary>The branch secretary; validation guarantees exactly one.</summary>
    public Cadre Secretary => Cadres.First(c => c.Roles.Contains(CadreRole.BranchSecretary));

    /// <summary>一肩挑: the branch secretary also directs the villagers' committee.</summary>
    public bool OneShoulder => CadreFacts.IsOneShoulder(Cadres);
}

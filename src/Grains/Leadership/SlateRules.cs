using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Validation;
using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.Leadership;

/// <summary>
/// A county's rules for the slate of a village election (换届人选结构要求). A slate that breaks one is not
/// refused: the check reports a warning, since the township may have reasons the county will hear.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.SlateRules")]
public sealed record SlateRules(
    int MinWomen,
    int MinUnder35,
    int MinCollegeOrAbove,
    Education? SecretaryMinEducation,
    int? SecretaryMaxAge,
    bool OneShoulder)
{
    /// <summary>
    /// Until a county sets its own: at least one woman and at least one cadre under 35 on the two committees,
    /// the structure most provinces ask of a 换届.
    /// </summary>
    public static readonly SlateRules Default = new(1, 1, 0, null, null, false);
}

[GenerateSerializer, Immutable, Alias("GridActors.SlateRulesView")]
public sealed record SlateRulesView(SlateRules Rules, bool Configured, DateTimeOffset? UpdatedAt, Actor? Actor = null);

/// <summary>One rule of the county that a slate breaks.</summary>
public sealed record SlateWarning(string Rule, string Message);

/// <summary>The slate check, as plain code: which of the county's rules a proposed set of cadres breaks.</summary>
public static class SlateCheck
{
    public static IReadOnlyList<SlateWarning> Run(SlateRules rules, DateOnly electedOn, IReadOnlyList<Cadre> cadres)
    {
        var warnings = new List<SlateWarning>();
        var women = cadres.Count(c => c.Gender == Gender.Female);
        if (women < rules.MinWomen)
        {
            warnings.Add(new("minWomen", $"the slate has {women} women; the county asks for at least {rules.MinWomen}"));
        }
        var young = cadres.Count(c => CadreFacts.AgeAt(c.BirthDate, electedOn) < 35);
        if (young < rules.MinUnder35)
        {
            warnings.Add(new("minUnder35", $"the slate has {young} cadres under 35 on {electedOn:yyyy-MM-dd}; the county asks for at least {rules.MinUnder35}"));
        }
        var college = cadres.Count(c => CadreFacts.IsCollegeOrAbove(c.Education));
        if (college < rules.MinCollegeOrAbove)
        {
            warnings.Add(new("minCollegeOrAbove", $"the slate has {college} cadres with college education or above; the county asks for at least {rules.MinCollegeOrAbove}"));
        }
        var secretary = cadres.First(c => c.Roles.Contains(CadreRole.BranchSecretary));
        if (rules.SecretaryMinEducation is { } minimum && secretary.Education < minimum)
        {
            warnings.Add(new("secretaryMinEducation",
                $"the branchSecretary's education is {LeadershipNames.Name(secretary.Education)}; the county asks for {LeadershipNames.Name(minimum)} or above"));
        }
        var secretaryAge = CadreFacts.AgeAt(secretary.BirthDate, electedOn);
        if (rules.SecretaryMaxAge is { } maxAge && secretaryAge > maxAge)
        {
            warnings.Add(new("secretaryMaxAge", $"the branchSecretary is {secretaryAge} on {electedOn:yyyy-MM-dd}; the county asks for at most {maxAge}"));
        }
        if (rules.OneShoulder && !CadreFacts.IsOneShoulder(cadres))
        {
            warnings.Add(new("oneShoulder", "the branchSecretary is not also the villageDirector (一肩挑), as the county asks"));
        }
        return warnings;
    }
}

/// <summary>The body of <c>PUT /api/v1/counties/{code}/slate-rules</c>: the whole rule set; a rule left out is off.</summary>
public sealed record SlateRulesInput(
    int? MinWomen = null,
    int? MinUnder35 = null,
    int? MinCollegeOrAbove = null,
    string? SecretaryMinEducation = null,
    int? SecretaryMaxAge = null,
    bool? OneShoulder = null)
{
    public SlateRules? Validate(ValidationErrors errors)
    {
        int Count(string field, int? value)
        {
            if (value is < 0 or > TermInput.MaxCadres)
            {
                errors.Add(field, $"must be from 0 to {TermInput.MaxCadres}");
            }
            return value ?? 0;
        }
        var women = Count("minWomen", MinWomen);
        var young = Count("minUnder35", MinUnder35);
        var college = Count("minCollegeOrAbove", MinCollegeOrAbove);
        var education = LeadershipRules.Education(errors, "secretaryMinEducation", SecretaryMinEducation, required: false);
        if (SecretaryMaxAge is < TermInput.MinAge or > TermInput.MaxAge)
        {
            errors.Add("secretaryMaxAge", $"must be from {TermInput.MinAge} to {TermInput.MaxAge}");
        }
        return errors.IsEmpty ? new SlateRules(women, young, college, education, SecretaryMaxAge, OneShoulder ?? false) : null;
    }
}

/// <summary>A county's slate rules (换届人选结构要求), keyed by the county code.</summary>
[Alias("GridActors.ISlateRulesGrain")]
public interface ISlateRulesGrain : IGrainWithStringKey
{
    [Alias("Put")]
    Task<SlateRulesView> Put(SlateRules rules, DateTimeOffset at, Actor? actor = null);

    /// <summary>The county's rules, or <see cref="SlateRules.Default"/> until it sets them.</summary>
    [Alias("Get")]
    Task<SlateRulesView> Get();
}

[GenerateSerializer, Alias("GridActors.SlateRulesState")]
public sealed class SlateRulesState
{
    [Id(0)] public SlateRules? Rules { get; set; }
    [Id(1)] public DateTimeOffset? UpdatedAt { get; set; }
    /// <summary>Who set the rules last, as authenticated.</summary>
    [Id(2)] public Actor? Actor { get; set; }
}

internal sealed class SlateRulesGrain(
    [PersistentState("slate-rules", StorageNames.Grains)] IPersistentState<SlateRulesState> state)
    : Grain, ISlateRulesGrain
{
    public async Task<SlateRulesView> Put(SlateRules rules, DateTimeOffset at, Actor? actor = null)
    {
        var previous = (state.State.Rules, state.State.UpdatedAt, state.State.Actor);
        (state.State.Rules, state.State.UpdatedAt, state.State.Actor) = (rules, at, actor);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            (state.State.Rules, state.State.UpdatedAt, state.State.Actor) = previous;
            throw;
        }
        return View();
    }

    public Task<SlateRulesView> Get() => Task.FromResult(View());

    private SlateRulesView View() => new(state.State.Rules ?? SlateRules.Default, state.State.Rules is not null, state.State.UpdatedAt, state.State.Actor);
}

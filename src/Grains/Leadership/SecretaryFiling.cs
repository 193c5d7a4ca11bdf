using GridActors.Grains.Access;

namespace GridActors.Grains.Leadership;

/// <summary>Status of a secretary's filing with the county Party committee (县级党委备案).</summary>
public enum FilingStatus
{
    /// <summary>待备案: elected, not yet filed. Every new secretary starts here.</summary>
    Pending = 0,
    /// <summary>已备案.</summary>
    Filed = 1,
    /// <summary>退回: sent back to the township for more material.</summary>
    Returned = 2,
    /// <summary>撤销备案: the filing was withdrawn.</summary>
    Revoked = 3,
}

/// <summary>
/// The county's filing record of one secretary. It names the person, so when a term's cadres are replaced by
/// another secretary the old record no longer applies and the new one starts as pending.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.SecretaryFiling")]
public sealed record SecretaryFiling(
    string SecretaryName,
    DateOnly SecretaryBirthDate,
    FilingStatus Status,
    DateOnly? FiledOn,
    string? Note,
    DateTimeOffset RecordedAt,
    Actor? Actor = null);

/// <summary>A filing decision as the API takes it: the book adds whom it is about.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.FilingDecision")]
public sealed record FilingDecision(FilingStatus Status, DateOnly? FiledOn, string? Note, DateTimeOffset RecordedAt, Actor? Actor = null);

/// <summary>A village's secretary of one term, with the county's filing record (pending when there is none).</summary>
[GenerateSerializer, Immutable, Alias("GridActors.SecretaryRecord")]
public sealed record SecretaryRecord(
    string Village,
    int Term,
    DateOnly ElectedOn,
    TermSecretary Secretary,
    SecretaryFiling? Filing)
{
    public FilingStatus Status => Filing?.Status ?? FilingStatus.Pending;
}

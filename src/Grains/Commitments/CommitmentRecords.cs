using GridActors.Grains.Access;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Stars;

namespace GridActors.Grains.Commitments;

/// <summary>承诺制: Drafted (定诺) → Published (亮诺) → Fulfilling (践诺) → Evaluated (评诺).</summary>
public enum CommitmentStatus
{
    /// <summary>定诺: being written; editable.</summary>
    Drafted,
    /// <summary>亮诺: publicly visible and no longer editable.</summary>
    Published,
    /// <summary>践诺: progress with evidence is being recorded.</summary>
    Fulfilling,
    /// <summary>评诺: scored by members and residents' representatives.</summary>
    Evaluated,
}

/// <summary>To whom an item is promised: a group promises to its members and residents, a member to its group and residents.</summary>
public enum CommitmentAudience
{
    Members,
    Residents,
    Group,
}

/// <summary>Who gives an evaluation score (评诺).</summary>
public enum EvaluatorRole
{
    /// <summary>党员.</summary>
    Member,
    /// <summary>群众代表.</summary>
    ResidentRepresentative,
}

/// <summary>What a piece of linked evidence is: a record elsewhere in the system, checked when the progress is recorded.</summary>
public enum EvidenceLinkKind
{
    /// <summary>A resolved (or closed) issue: in the group's grid, or assigned to the member.</summary>
    Issue,
    /// <summary>A collective activity of the group (the member attended).</summary>
    Activity,
    /// <summary>A visit logged on a pairing (the member's, or one with a household of the group's grid).</summary>
    PairingVisit,
    /// <summary>Post work of the member (or of a member of the group).</summary>
    PostWork,
    /// <summary>A task whose part (member) or share (group) is done.</summary>
    Task,
}

/// <summary>One commitment item (承诺事项); <see cref="Target"/> with <see cref="Measure"/> when it can be measured.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.CommitmentItem")]
public sealed record CommitmentItem(int No, string Text, CommitmentAudience To, string? Measure, decimal? Target);

/// <summary>A link as sent: kind, the record's id and, for a pairing visit in another grid, that grid.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.EvidenceLink")]
public sealed record EvidenceLink(EvidenceLinkKind Kind, Guid Id, string? Grid);

/// <summary>A link as checked: what the record was when it was linked, in words and in the numbers the rating reads.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.LinkedEvidence")]
public sealed record LinkedEvidence(EvidenceLinkKind Kind, Guid Id, string Grid, DateOnly? Date, string Summary, int? Satisfaction);

/// <summary>A progress record (践诺记录) on one item: amount towards its target, note, linked records and files.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.ProgressRecord")]
public sealed record ProgressRecord(
    Guid Id,
    int Item,
    DateOnly Date,
    decimal Amount,
    string Note,
    IReadOnlyList<LinkedEvidence> Links,
    IReadOnlyList<Evidence> Files,
    DateTimeOffset RecordedAt,
    string? By,
    Actor? Actor = null);

/// <summary>One score (0-100) for one item from a member or a residents' representative (评诺).</summary>
[GenerateSerializer, Immutable, Alias("GridActors.EvaluationScore")]
public sealed record EvaluationScore(int Item, EvaluatorRole Role, string Evaluator, int Score, string? Comment, DateTimeOffset RecordedAt, Actor? Actor = null);

public enum DecisionKind
{
    /// <summary>奖励.</summary>
    Reward,
    /// <summary>惩戒.</summary>
    Penalty,
}

/// <summary>A reward or penalty decided after the evaluation.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.CommitmentDecision")]
public sealed record CommitmentDecision(Guid Id, DecisionKind Kind, string Text, DateOnly DecidedOn, string? By, DateTimeOffset RecordedAt, Actor? Actor = null);

/// <summary>A change of state, for the record.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.CommitmentEvent")]
public sealed record CommitmentEvent(DateTimeOffset At, string What, string? By, Actor? Actor = null);

/// <summary>A progress record as sent to the grain (links not yet checked).</summary>
[GenerateSerializer, Immutable, Alias("GridActors.NewProgress")]
public sealed record NewProgress(Guid Id, int Item, DateOnly Date, decimal Amount, string Note, IReadOnlyList<EvidenceLink> Links, IReadOnlyList<Evidence> Files, string? By, Actor? Actor = null);

/// <summary>One owner's commitments for a year (承诺书) as read back.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.CommitmentView")]
public sealed record CommitmentView(
    StarSubjectKind Owner,
    string OwnerId,
    string OwnerName,
    string Grid,
    int Year,
    CommitmentStatus Status,
    IReadOnlyList<CommitmentItem> Items,
    IReadOnlyList<ProgressRecord> Progress,
    IReadOnlyList<EvaluationScore> Evaluations,
    IReadOnlyList<CommitmentDecision> Decisions,
    IReadOnlyList<CommitmentEvent> History,
    DateTimeOffset? PublishedAt,
    DateTimeOffset? EvaluatedAt,
    long Version)
{
    /// <summary>Items with their progress, as the rating reads them.</summary>
    public IReadOnlyList<ItemFulfilment> Fulfilment() => Items.Select(i => new ItemFulfilment(
        i.No, i.Text, i.Target,
        Progress.Where(p => p.Item == i.No).Sum(p => p.Amount),
        Progress.Count(p => p.Item == i.No && (p.Links.Count > 0 || p.Files.Count > 0)))).ToArray();
}

/// <summary>Keys of the commitment grain: one per owner and year.</summary>
public static class CommitmentKeys
{
    public static string Group(string grid, int year) => $"group-{grid}-{year}";

    public static string Member(Guid member, int year) => $"member-{member:N}-{year}";

    public static string Of(StarSubjectKind kind, string id, int year) => kind == StarSubjectKind.Group ? Group(id, year) : Member(Guid.Parse(id), year);

    public static (StarSubjectKind Kind, string Id, int Year) Parse(string key)
    {
        var dash = key.IndexOf('-', StringComparison.Ordinal);
        var last = key.LastIndexOf('-');
        var kind = key[..dash] == "group" ? StarSubjectKind.Group : StarSubjectKind.Member;
        var id = key[(dash + 1)..last];
        return (kind, kind == StarSubjectKind.Member ? Guid.Parse(id).ToString() : id, int.Parse(key[(last + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}

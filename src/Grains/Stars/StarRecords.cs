using GridActors.Grains.Access;

namespace GridActors.Grains.Stars;

/// <summary>Where a rating stands: computed live until published, then provisional during the notice (公示), then final.</summary>
public enum RatingStatus
{
    /// <summary>Not published yet: computed on request from today's data.</summary>
    NotPublished,
    /// <summary>公示中: published for the county's notice period; objections may be filed.</summary>
    Provisional,
    /// <summary>已确定: the notice period is over and every objection answered.</summary>
    Final,
}

/// <summary>A rating computed from the rubric and the facts at one moment, with every input kept.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.StarComputation")]
public sealed record StarComputation(
    StarSubjectKind Kind,
    string Id,
    string Name,
    string Grid,
    int Year,
    bool DefaultRubric,
    int NoticeDays,
    StarScore Score,
    StarFacts Facts,
    DateTimeOffset ComputedAt);

/// <summary>异议: an objection filed during the notice period, and its answer.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.StarObjection")]
public sealed record StarObjection(
    Guid Id,
    string By,
    string Text,
    DateTimeOffset FiledAt,
    string? Answer = null,
    bool? Upheld = null,
    string? AnsweredBy = null,
    DateTimeOffset? AnsweredAt = null,
    Actor? Actor = null,
    Actor? AnsweredActor = null);

/// <summary>Something that happened to a rating, for the record.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.RatingEvent")]
public sealed record RatingEvent(DateTimeOffset At, string What, string? By, Actor? Actor = null);

/// <summary>A rating as read back: live (not published) or published with its notice period, objections and history.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.RatingView")]
public sealed record RatingView(
    RatingStatus Status,
    StarComputation Computation,
    DateTimeOffset? PublishedAt,
    DateTimeOffset? NoticeEndsAt,
    DateTimeOffset? FinalisedAt,
    IReadOnlyList<StarObjection> Objections,
    IReadOnlyList<RatingEvent> History);

/// <summary>Someone to rate: a Party group (its grid) or a member, with the grid it belongs to.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.StarSubject")]
public sealed record StarSubject(StarSubjectKind Kind, string Id, string Name, string Grid);

/// <summary>One row of a star board.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.StarBoardRow")]
public sealed record StarBoardRow(StarSubjectKind Kind, string Id, string Name, string Grid, RatingStatus Status, int? Stars, decimal? Score);

/// <summary>
/// 星级榜: stars per group and member under a unit, and how many published ratings have each number of stars.
/// A village lists every group and member (notPublished for those not yet published); a township or county lists the
/// published ratings a page at a time, village by village, with a line per child unit (<see cref="Units"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.StarBoard")]
public sealed record StarBoard(
    string Unit,
    int Year,
    IReadOnlyList<StarBoardRow> Groups,
    IReadOnlyList<StarBoardRow> Members,
    IReadOnlyList<int> GroupDistribution,
    IReadOnlyList<int> MemberDistribution,
    IReadOnlyList<StarBoardUnit> Units,
    int GroupsPublished,
    int MembersPublished,
    int OpenObjections,
    int Page,
    int PageSize);

/// <summary>One child unit's line on a board: its distributions (index 0 is 1 star) and counts.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.StarBoardUnit")]
public sealed record StarBoardUnit(string Unit, IReadOnlyList<int> GroupDistribution, IReadOnlyList<int> MemberDistribution, int GroupsPublished, int MembersPublished, int OpenObjections);

/// <summary>
/// A published rating as its village's board keeps it, sent by the rating on every change. The board works out
/// provisional or final from the clock, as the rating does, so finalisation needs no message.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.StarBoardEntry")]
public sealed record StarBoardEntry(
    StarSubjectKind Kind,
    string Id,
    string Name,
    string Grid,
    int Stars,
    decimal Score,
    DateTimeOffset NoticeEndsAt,
    int OpenObjections,
    DateTimeOffset? FinalisedAt,
    int Version)
{
    public RatingStatus StatusAt(DateTimeOffset now) =>
        FinalisedAt is not null || (now >= NoticeEndsAt && OpenObjections == 0) ? RatingStatus.Final : RatingStatus.Provisional;

    public StarBoardRow Row(DateTimeOffset now) => new(Kind, Id, Name, Grid, StatusAt(now), Stars, Score);
}

/// <summary>
/// What a board sends its parent: its whole line (absolute counts, not changes), under a rising sequence, so a
/// re-sent or late summary is applied once and never counted twice.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.StarBoardSummary")]
public sealed record StarBoardSummary(long Sequence, StarBoardUnit Line);

/// <summary>A slice of a board's published rows, in board order.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.StarBoardRows")]
public sealed record StarBoardRows(IReadOnlyList<StarBoardRow> Groups, IReadOnlyList<StarBoardRow> Members);

public static class StarKeys
{
    /// <summary>The rubric's key: county and year.</summary>
    public static string Rubric(string county, int year) => $"{county}-{year}";

    /// <summary>A star board's key: village, township or county code, and year.</summary>
    public static string Board(string unit, int year) => $"{unit}-{year}";

    /// <summary>The unit code and year of a rubric's or a board's key.</summary>
    public static (string Unit, int Year) Parse(string key)
    {
        var dash = key.IndexOf('-', StringComparison.Ordinal);
        return (key[..dash], int.Parse(key[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}

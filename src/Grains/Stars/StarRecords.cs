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
    DateTimeOffset? AnsweredAt = null);

/// <summary>Something that happened to a rating, for the record.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.RatingEvent")]
public sealed record RatingEvent(DateTimeOffset At, string What, string? By);

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

/// <summary>星级榜: stars per group and member under a unit, and how many have each number of stars (published ratings only).</summary>
[GenerateSerializer, Immutable, Alias("GridActors.StarBoard")]
public sealed record StarBoard(string Unit, int Year, IReadOnlyList<StarBoardRow> Groups, IReadOnlyList<StarBoardRow> Members, IReadOnlyList<int> GroupDistribution, IReadOnlyList<int> MemberDistribution);

public static class StarKeys
{
    /// <summary>The rubric's key: county and year.</summary>
    public static string Rubric(string county, int year) => $"{county}-{year}";
}

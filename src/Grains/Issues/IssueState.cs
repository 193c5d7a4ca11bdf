using GridActors.Grains.Categories;
using GridActors.Grains.Queues;
using GridActors.Grains.Stats;
using GridActors.Grains.Units;

namespace GridActors.Grains.Issues;

/// <summary>
/// Persisted state of one issue. The issue grain is its only writer; the queues and statistics learn of
/// its changes through the outboxes below, written in the same storage write as the change itself, so a
/// change and the duty to announce it are never separated.
/// </summary>
[GenerateSerializer, Alias("GridActors.IssueState")]
public sealed class IssueState : Infrastructure.IPostsToInboxes, Infrastructure.IAppendsEvents
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string County { get; set; } = "";
    [Id(2)] public string OriginGrid { get; set; } = "";
    [Id(3)] public string Category { get; set; } = "";
    [Id(4)] public string Title { get; set; } = "";
    [Id(5)] public string? Description { get; set; }
    [Id(6)] public IssueLocation? Location { get; set; }
    [Id(7)] public Reporter? Reporter { get; set; }
    [Id(8)] public List<Attachment> Attachments { get; set; } = [];
    [Id(9)] public IssueStatus Status { get; set; }
    [Id(10)] public string Holder { get; set; } = "";
    [Id(11)] public DateTimeOffset ArrivedAt { get; set; }
    [Id(12)] public DateTimeOffset? Deadline { get; set; }
    [Id(13)] public string? AssignedMember { get; set; }
    [Id(14)] public UnitLevel? ResolutionLevel { get; set; }
    [Id(15)] public DateTimeOffset? ResolvedAt { get; set; }
    [Id(16)] public string? ResolvedBy { get; set; }
    [Id(17)] public int? Satisfaction { get; set; }
    [Id(18)] public Guid? DuplicateOf { get; set; }
    [Id(19)] public DateTimeOffset ReportedAt { get; set; }
    [Id(20)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(21)] public List<HistoryEntry> History { get; set; } = [];
    [Id(22)] public long Version { get; set; }
    [Id(23)] public string? Fingerprint { get; set; }
    [Id(24)] public CategoryDeadlines? Deadlines { get; set; }
    [Id(25)] public List<QueueNotice> Outbox { get; set; } = [];
    [Id(26)] public List<StatsNotice> StatsOutbox { get; set; } = [];
    [Id(27)] public DateTimeOffset? WakeUpAt { get; set; }
    [Id(28)] public bool Overdue { get; set; }
    [Id(29)] public string? OriginTraceParent { get; set; }
    [Id(30)] public bool EscalatedBeyondVillage { get; set; }
    [Id(31)] public DateTimeOffset? ClosedAt { get; set; }
    [Id(32)] public Guid Id { get; set; }
    /// <summary>The grid's holders of the category's suggested post (八大岗位), found when the issue was accepted.</summary>
    [Id(33)] public List<PartyNetwork.PostHolder>? SuggestedPostHolders { get; set; }
    /// <summary>The survey finding the issue was reported from, when it was (docs/grid-staff.md).</summary>
    [Id(34)] public SurveySource? Survey { get; set; }
    /// <summary>What the reporter said of each resolution (群众评价), oldest first.</summary>
    [Id(35)] public List<ReporterAnswer> ReporterAnswers { get; set; } = [];

    /// <summary>
    /// The new notices for queues (direct calls) and statistics, stored in their receivers' inboxes by the same write as
    /// this state; emptied once written. Not part of the state.
    /// </summary>
    [NonSerialized]
    internal readonly List<Infrastructure.InboxPost> Posts = [];

    IReadOnlyList<Infrastructure.InboxPost> Infrastructure.IPostsToInboxes.Posts => Posts;

    /// <summary>
    /// The events of the change not yet stored, appended to the county's issue-event stream by the same write as this
    /// state; emptied once written. Not part of the state.
    /// </summary>
    [NonSerialized]
    internal readonly List<Events.IssueEvent> Events = [];

    IReadOnlyList<Infrastructure.StreamAppend> Infrastructure.IAppendsEvents.Appends =>
        Events.Select(e => new Infrastructure.StreamAppend(Issues.Events.IssueEvents.For(County), e)).ToArray();

    /// <summary>Follows from <see cref="Holder"/>; not stored.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public UnitLevel HolderLevel => UnitCode.Parse(Holder).Level;
}

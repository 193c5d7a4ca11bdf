using GridActors.Grains.Access;

namespace GridActors.Grains.PartyBranches;

/// <summary>A voting attendee of a branch committee meeting (支委会议): a committee member, by name.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.MeetingAttendee")]
public sealed record MeetingAttendee(string Name, string? Role);

/// <summary>A Party group leader attending without a vote (列席), as the leader of <see cref="Grid"/>'s group then.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.NonVotingAttendee")]
public sealed record NonVotingAttendee(Guid MemberId, string Name, string Grid);

/// <summary>支委会议: one branch committee meeting with its attendees.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.BranchMeeting")]
public sealed record BranchMeeting(
    Guid Id,
    DateOnly Date,
    string Topic,
    IReadOnlyList<MeetingAttendee> Attendees,
    IReadOnlyList<NonVotingAttendee> NonVoting,
    string? Notes,
    DateTimeOffset RecordedAt,
    string? By,
    string? Fingerprint,
    Actor? Actor = null);

/// <summary>How often a grid's group leader attended the branch committee (列席) in a year.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.LeaderAttendance")]
public sealed record LeaderAttendance(string Grid, Guid? LeaderId, string? LeaderName, int Attended, int Meetings);

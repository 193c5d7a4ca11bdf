namespace GridActors.Grains.Issues;

/// <summary>
/// Where an issue (民情/事件) stands. Reported → Accepted → InProgress → Resolved → Closed is the main line;
/// Escalated (上报) is recorded when it leaves a level, after which it is Reported again at the next one;
/// Rejected and Duplicate close it without resolution; Reopened sends it back to the level that resolved it.
/// </summary>
public enum IssueStatus
{
    Reported,
    Accepted,
    InProgress,
    Resolved,
    Closed,
    Escalated,
    Rejected,
    Duplicate,
    Reopened,
    /// <summary>Handed down (交办) to a child unit, where it is Reported again.</summary>
    HandedDown,
}

public static class IssueStatuses
{
    /// <summary>Still waiting for someone at its level to settle it.</summary>
    public static bool IsOpen(this IssueStatus status) =>
        status is IssueStatus.Reported or IssueStatus.Accepted or IssueStatus.InProgress or IssueStatus.Reopened;
}

/// <summary>Why an issue went up a level.</summary>
public enum EscalationReason
{
    /// <summary>The holder sent it up, with a note.</summary>
    Manual,
    /// <summary>Its deadline at the level passed unresolved.</summary>
    Deadline,
    /// <summary>Its category must start higher up (the category's lowest level).</summary>
    Rule,
}

/// <summary>Evidence attached to an issue, kept as metadata (the file lives elsewhere).</summary>
public enum AttachmentKind
{
    /// <summary>图纸, e.g. the original building's dimensioned drawing.</summary>
    Drawing,
    Photo,
    /// <summary>证明, e.g. the community's certificate.</summary>
    Certificate,
    Other,
}

namespace GridActors.Grains.PartyNetwork;

/// <summary>What a warning to a village branch or a township committee is about.</summary>
public enum PartyWarningKind
{
    /// <summary>A Party group held no collective activity (集中活动) in a month.</summary>
    NoMonthlyActivity,
    /// <summary>A task handed down (交办) passed its due date with a group's part not done.</summary>
    TaskOverdue,
}

/// <summary>
/// A flag raised to a village branch (村党支部) and, for missed activities, its township committee (乡镇党委).
/// <see cref="Key"/> makes raising the same warning twice a no-op.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.PartyWarning")]
public sealed record PartyWarning(
    PartyWarningKind Kind,
    string Grid,
    string? Month,
    Guid? TaskId,
    string Message,
    DateTimeOffset RaisedAt)
{
    public string Key => $"{Kind}:{Grid}:{Month ?? TaskId?.ToString()}";
}

/// <summary>What a member reports as evidence (证据): a photo, a document, a certificate; the file lives elsewhere.</summary>
public enum EvidenceKind
{
    Photo,
    Document,
    Certificate,
    Other,
}

[GenerateSerializer, Immutable, Alias("GridActors.Evidence")]
public sealed record Evidence(EvidenceKind Kind, string Url, string? Caption);

/// <summary>A member holding a post, as a group lists it and as an accepted issue suggests it.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.PostHolder")]
public sealed record PostHolder(Guid MemberId, string Name, Post Post, Recommendation Recommendation, DateTimeOffset Since);

namespace GridActors.Grains.Access;

/// <summary>
/// Who did something, as the gateway authenticated it (经办人): a calling app's key (its id and app name), a signed-in
/// staff member (subject and name), or the service itself (a deadline). Never taken from a request body: a body's
/// <c>by</c> is only a display note kept beside it. Every recorded action (issue history, commitments, tasks, ratings,
/// activities, meetings, transfers, posts, pairings, leadership records) stores one.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.Actor")]
public sealed record Actor(string Id, string Name)
{
    /// <summary>The service acting on its own: a deadline that passed.</summary>
    public static readonly Actor Deadline = new("service", "deadline");

    /// <summary>A resident answering through a confirmation link (确认链接), who has no key: the link is who they are.</summary>
    public static readonly Actor ConfirmLink = new("confirm-link", "reporter");
}

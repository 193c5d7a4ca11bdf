namespace GridActors.Grains.Issues;

/// <summary>
/// Where reports come in (民情上报): creates an issue and announces it to its grid, without activating the issue
/// (docs/escalation.md, "A report without the issue in memory"). Any key: it runs where it is called.
/// </summary>
[Alias("GridActors.IIssueIntakeGrain")]
public interface IIssueIntakeGrain : IGrainWithIntegerKey
{
    /// <summary>Creates issue <paramref name="id"/>; a second call with the same fingerprint returns the first result (Idempotency-Key).</summary>
    [Alias("Report")]
    Task<IssueOutcome> Report(Guid id, NewIssue issue);
}

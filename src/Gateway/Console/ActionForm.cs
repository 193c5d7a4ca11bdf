namespace GridActors.Gateway.Console;

/// <summary>What an action form on an issue's page sends; posted fields keep what was typed when the API refuses them.</summary>
public sealed class ActionForm
{
    public string? Action { get; set; }
    public string? Note { get; set; }
    public string? MemberId { get; set; }
    public string? Satisfaction { get; set; }
    /// <summary>Hand-down: the unit below the holder that takes the issue.</summary>
    public string? To { get; set; }
    /// <summary>Duplicate: the id of the original issue.</summary>
    public string? Of { get; set; }
}

/// <summary>The report form. <see cref="IdempotencyKey"/> is made when the form is first shown, so a form sent twice makes one issue.</summary>
public sealed class ReportForm
{
    public string? IdempotencyKey { get; set; }
    public string? Category { get; set; }
    public string? Title { get; set; }
    public string? Description { get; set; }
    public string? Address { get; set; }
    public string? ReporterName { get; set; }
    public string? ReporterPhone { get; set; }
}

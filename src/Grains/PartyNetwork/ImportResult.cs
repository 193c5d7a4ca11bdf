namespace GridActors.Grains.PartyNetwork;

/// <summary>What importing one row (批量导入) did to its record.</summary>
public enum ImportChange
{
    Created,
    Updated,
    /// <summary>The record was already as the row says: nothing written.</summary>
    Unchanged,
    /// <summary>The row breaks a rule only the grain can check, named by <see cref="ImportResult.Field"/>: nothing written.</summary>
    Refused,
}

/// <summary>The answer for one row of a batch written by one grain call.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.ImportResult")]
public sealed record ImportResult(ImportChange Change, string? Field = null, string? Message = null)
{
    public static ImportResult Created { get; } = new(ImportChange.Created);
    public static ImportResult Updated { get; } = new(ImportChange.Updated);
    public static ImportResult Unchanged { get; } = new(ImportChange.Unchanged);

    public static ImportResult Refused(string field, string message) => new(ImportChange.Refused, field, message);
}

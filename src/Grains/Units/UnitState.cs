namespace GridActors.Grains.Units;

/// <summary>
/// Persisted state of one administrative unit. Codes are kept as strings so the storage JSON stays plain.
/// </summary>
[GenerateSerializer, Alias("GridActors.UnitState")]
public sealed class UnitState
{
    [Id(0)] public bool Registered { get; set; }
    [Id(1)] public UnitDetails? Details { get; set; }
    /// <summary>Child code → child name, ordered by code.</summary>
    [Id(2)] public SortedDictionary<string, string> Children { get; set; } = new(StringComparer.Ordinal);
    [Id(3)] public long Version { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset UpdatedAt { get; set; }
}

using Orleans.Runtime;

namespace GridActors.Grains.Infrastructure;

/// <summary>
/// The escalation stream: one stream per receiving unit (key = its division code) in one namespace, read by
/// one grain type (the unit's issue queue), so a stream wakes exactly the queue it is meant for.
/// </summary>
public static class StreamNames
{
    public const string Provider = "Escalations";
    public const string Escalations = "escalations";

    public static StreamId For(string unitCode) => StreamId.Create(Escalations, unitCode);
}

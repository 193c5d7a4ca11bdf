using System.Diagnostics;

namespace GridActors.Bench;

/// <summary>B4's baseline: one grain per unit code; <see cref="Hop"/> calls the parent unit's grain directly, <c>remaining</c> times.</summary>
[Alias("GridActors.Bench.IHopGrain")]
public interface IHopGrain : IGrainWithStringKey
{
    [Alias("Hop")]
    Task<long> Hop(int remaining);
}

/// <summary>B5's baseline: a grain with no state and one method, keyed like a grid (a 15-character string).</summary>
[Alias("GridActors.Bench.IEmptyGrain")]
public interface IEmptyGrain : IGrainWithStringKey
{
    [Alias("Ping")]
    Task Ping();
}

public sealed class HopGrain : Grain, IHopGrain
{
    /// <summary>Grid (15 digits) → village (12) → township (9) → county (6): the parent's code drops the last three digits.</summary>
    public Task<long> Hop(int remaining)
    {
        var code = this.GetPrimaryKeyString();
        return remaining == 0 || code.Length <= 6
            ? Task.FromResult(Stopwatch.GetTimestamp())
            : GrainFactory.GetGrain<IHopGrain>(code[..^3]).Hop(remaining - 1);
    }
}

public sealed class EmptyGrain : Grain, IEmptyGrain
{
    public Task Ping() => Task.CompletedTask;
}

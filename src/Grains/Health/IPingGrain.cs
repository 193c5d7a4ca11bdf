using GridActors.Grains.Infrastructure;
using Orleans.Concurrency;

namespace GridActors.Grains.Health;

/// <summary>Answers at once; a call that returns proves the cluster can place and run a grain.</summary>
[Alias("GridActors.IPingGrain")]
public interface IPingGrain : IGrainWithIntegerKey
{
    [Alias("Ping")]
    Task<DateTimeOffset> Ping();
}

[StatelessWorker]
internal sealed class PingGrain(GridClock clock) : Grain, IPingGrain
{
    public Task<DateTimeOffset> Ping() => Task.FromResult(clock.GetUtcNow());
}

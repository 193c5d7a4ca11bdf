using System.Collections.Concurrent;
using System.Diagnostics;
using Orleans.Serialization;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace GridActors.Bench.EventPath;

/// <summary>
/// The measured event: an id to count duplicates and losses by, the producer's clock reading just before its write
/// began (same process, so append-to-consumer latency is one Stopwatch difference), and a W3C traceparent for a realistic size.
/// </summary>
[GenerateSerializer, Immutable, Alias("eventpath.event")]
public sealed record BenchEvent([property: Id(0)] long Id, [property: Id(1)] long Stamp, [property: Id(2)] string Traceparent);

[Alias("eventpath.source")]
public interface ISourceGrain : IGrainWithIntegerKey
{
    /// <summary>Changes this grain's state and owes <paramref name="evt"/> to the stream of <paramref name="target"/>.</summary>
    [Alias("emit")]
    Task Emit(BenchEvent evt, string target);
}

[Alias("eventpath.sink")]
public interface ISinkGrain : IGrainWithStringKey
{
}

/// <summary>Which candidate this process measures.</summary>
internal sealed record Candidate(string Name)
{
    public bool Own => Name.StartsWith("own-", StringComparison.Ordinal);

    public bool AdoNet => Name == "adonet-pg";

    public bool Sqlite => Name.EndsWith("-sqlite", StringComparison.Ordinal);
}

/// <summary>A producer: writes its state row and the event it owes, as the candidate does it.</summary>
internal sealed class SourceGrain(Candidate candidate, EventTable table, OwnStreamQueues queues, Serializer serializer) : Grain, ISourceGrain
{
    // About the size of a small issue row; the same in every candidate, so the state's share cancels out.
    private static readonly byte[] State = new byte[300];

    public async Task Emit(BenchEvent evt, string target)
    {
        var grainId = this.GetGrainId().ToString();
        var stream = StreamId.Create(Program.Namespace, target);
        if (candidate.Own)
        {
            EventRow[] rows = [new(queues.QueueOf(stream), Program.Namespace, target, serializer.SerializeToArray<object>(evt))];
            await table.WriteState(grainId, State, rows);
            Deliveries.Appended(evt);
        }
        else if (candidate.AdoNet)
        {
            // Two transactions: the provider queues a message in its own statement, never in the grain storage's.
            await table.WriteState(grainId, State, []);
            await this.GetStreamProvider(Program.AdoNetProvider).GetStream<BenchEvent>(stream).OnNextAsync(evt);
            Deliveries.Appended(evt);
        }
        else
        {
            await table.WriteState(grainId, State, []);
            Deliveries.Appended(evt);
            Deliveries.Record(evt);
        }
    }
}

/// <summary>A consumer, subscribed implicitly: one namespace, one receiving grain type.</summary>
[ImplicitStreamSubscription(Program.Namespace)]
internal sealed class SinkGrain : Grain, ISinkGrain, IStreamSubscriptionObserver
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        var handle = handleFactory.Create<BenchEvent>();
        await handle.ResumeAsync((evt, _) =>
        {
            Deliveries.Record(evt);
            return Task.CompletedTask;
        });
    }
}

/// <summary>What consumers received, process-wide (every silo of the in-process cluster shares it).</summary>
internal static class Deliveries
{
    private static readonly ConcurrentDictionary<long, int> Counts = new();
    private static readonly ConcurrentQueue<double> LatenciesMs = new();
    private static readonly ConcurrentQueue<double> EndToEndMs = new();
    private static readonly ConcurrentDictionary<long, long> AppendedAt = new();

    public static volatile bool Measuring;

    /// <summary>The producer's append committed (its write returned): the start of the append-to-consumer latency.</summary>
    public static void Appended(BenchEvent evt) => AppendedAt.TryAdd(evt.Id, Stopwatch.GetTimestamp());

    public static void Record(BenchEvent evt)
    {
        var now = Stopwatch.GetTimestamp();
        if (Counts.AddOrUpdate(evt.Id, 1, (_, n) => n + 1) == 1 && Measuring)
        {
            // Delivered before the producer's await resumed: counted as no delay after the commit.
            LatenciesMs.Enqueue(AppendedAt.TryGetValue(evt.Id, out var at) ? Math.Max(0, Stopwatch.GetElapsedTime(at, now).TotalMilliseconds) : 0);
            EndToEndMs.Enqueue(Stopwatch.GetElapsedTime(evt.Stamp, now).TotalMilliseconds);
        }
    }

    public static int Unique => Counts.Count;

    public static bool Has(long id) => Counts.ContainsKey(id);

    public static long Duplicates => Counts.Values.Sum(n => (long)(n - 1));

    /// <summary>From the append's commit to the consumer, sorted.</summary>
    public static double[] Latencies() => [.. LatenciesMs.Order()];

    /// <summary>From the caller's request (before the producer's write began) to the consumer, sorted.</summary>
    public static double[] EndToEnd() => [.. EndToEndMs.Order()];
}

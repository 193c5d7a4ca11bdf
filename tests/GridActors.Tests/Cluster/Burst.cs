using System.Collections.Concurrent;
using System.Diagnostics;
using GridActors.Grains.Issues;

namespace GridActors.Tests.Cluster;

/// <summary>
/// A burst of reports and escalations sent straight to the issue grains by several concurrent callers, as
/// gateways would. A report that fails is sent again with the same id and fingerprint (what an
/// Idempotency-Key gives an HTTP caller); an escalation that fails is not repeated (it may have been applied),
/// so only the ones that answered count as acknowledged.
/// </summary>
internal sealed class Burst(IGrainFactory grains, IReadOnlyList<string> grids)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _next;
    private long _killedAtMs = long.MaxValue;

    /// <summary>Issues whose creation was acknowledged, with their grid.</summary>
    public ConcurrentDictionary<Guid, string> Reported { get; } = new();

    /// <summary>Acknowledged escalations: issue and the village that the answer named as its new holder.</summary>
    public ConcurrentDictionary<Guid, string> Escalated { get; } = new();

    /// <summary>
    /// Escalations whose call failed. Applied or not, the caller cannot tell from the error, so it reads the
    /// issue afterwards (as the API asks a caller to do before sending a non-idempotent action again).
    /// </summary>
    public ConcurrentDictionary<Guid, string> EscalationUnknown { get; } = new();

    /// <summary>Issues no escalation was asked for.</summary>
    public ConcurrentDictionary<Guid, string> NotEscalated { get; } = new();

    /// <summary>What the failed attempts threw, with the time since the start of the burst.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    public int FailedReportAttempts;
    public int FailedReportAttemptsAfterKill;
    public int ReportsGivenUp;
    public int EscalationCalls;
    public long SlowestReportMs;
    public long SlowestReportAfterKillMs;

    public int AcknowledgedCount => Reported.Count;

    /// <summary>Reports acknowledged before the kill, and how long that took.</summary>
    public (int Count, long Ms) BeforeKill { get; private set; }

    public long ElapsedMs => _clock.ElapsedMilliseconds;

    public void MarkKill()
    {
        BeforeKill = (Reported.Count, _clock.ElapsedMilliseconds);
        Interlocked.Exchange(ref _killedAtMs, _clock.ElapsedMilliseconds);
    }

    public Task Run(int callers, int reports) =>
        Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(() => Caller(reports))));

    private async Task Caller(int reports)
    {
        int n;
        while ((n = Interlocked.Increment(ref _next)) <= reports)
        {
            var id = Guid.NewGuid();
            var grid = grids[n % grids.Count];
            var started = _clock.ElapsedMilliseconds;
            IssueOutcome outcome;
            try
            {
                outcome = await Retry.Call(() => grains.GetGrain<IIssueGrain>(id).Report(ClusterCounty.NewIssue(grid, id)), attempts: 10, onFailure: e =>
                {
                    Failures.Enqueue($"{_clock.ElapsedMilliseconds} ms: report {id}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                    Interlocked.Increment(ref FailedReportAttempts);
                    if (_clock.ElapsedMilliseconds >= Interlocked.Read(ref _killedAtMs))
                    {
                        Interlocked.Increment(ref FailedReportAttemptsAfterKill);
                    }
                });
            }
            catch (Exception)
            {
                Interlocked.Increment(ref ReportsGivenUp);
                continue;
            }
            var took = _clock.ElapsedMilliseconds - started;
            InterlockedMax(ref SlowestReportMs, took);
            if (started >= Interlocked.Read(ref _killedAtMs) || _clock.ElapsedMilliseconds >= Interlocked.Read(ref _killedAtMs))
            {
                InterlockedMax(ref SlowestReportAfterKillMs, took);
            }
            Assert.Equal(IssueOutcomeStatus.Done, outcome.Status);
            Reported[id] = grid;

            if (n % 2 == 1)
            {
                NotEscalated[id] = grid;
                continue;
            }
            Interlocked.Increment(ref EscalationCalls);
            try
            {
                var escalated = await grains.GetGrain<IIssueGrain>(id).Act(new IssueCommand(IssueAction.Escalate, "网格员", "需要村里协调"));
                Assert.Equal(IssueOutcomeStatus.Done, escalated.Status);
                Escalated[id] = escalated.Issue!.Holder;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Failures.Enqueue($"{_clock.ElapsedMilliseconds} ms: escalate {id}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                EscalationUnknown[id] = grid;
                await Retry.Call(() => grains.GetGrain<IIssueGrain>(id).Get(), attempts: 10);
            }
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

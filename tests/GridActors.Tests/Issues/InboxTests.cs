using GridActors.Grains.Queues;
using GridActors.Silo.Storage;
using Microsoft.Data.Sqlite;
using GridActors.Grains.Stats;
using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Issues;

/// <summary>
/// An issue stores its notices in the inboxes of the grid's queue and statistics in the same write as the report, so
/// what was answered as reported reaches the grid even if no notice call ever gets through: the queue and the statistics
/// read their inboxes when they activate.
/// </summary>
public sealed class InboxTests
{
    [Fact]
    public async Task AReportWhoseNoticesNeverGotThrough_IsInTheGridsQueueAndFigures_AtOnceAfterARestart()
    {
        const string day = "?from=2026-03-02&to=2026-03-02";
        var cut = new FailNoticeCalls();
        await using var first = GatewayApp.OnSqlite().WithTestServices(services => services.AddSingleton<IOutgoingGrainCallFilter>(cut));
        var http = first.Start();
        await County.Create(http);
        var id = await Report(http, County.Grid, title: "通知未送达");
        Assert.True(cut.Failed >= 2, $"both notice calls should have been cut, {cut.Failed} were");
        await first.DisposeAsync();

        // No clock moves: nothing waits for the issue's retry a minute later. The grid finds the report in its inboxes.
        await using var second = first.Restarted();
        var again = second.Start();
        Assert.Equal([id], await Queue(again, "grids", County.Grid));
        var grid = await again.GetJson($"/api/v1/grids/{County.Grid}/resolution-stats{day}");
        Assert.Equal(1, grid["reported"]!.GetValue<long>());
        await Eventually.Get(() => again.GetJson($"/api/v1/counties/{County.Code}/resolution-stats{day}"),
            s => s["reported"]!.GetValue<long>() == 1, "the county to count the report");
    }

    /// <summary>
    /// The grid's queue and statistics answer a notice before writing it (they write what gathered within a second). The
    /// process is killed inside that second: the notices wait in the inboxes where each report stored them.
    /// </summary>
    [Fact]
    public async Task ReportsAnsweredJustBeforeTheProcessIsKilled_AreInTheGridsQueueAndFigures_WhenItStartsAgain()
    {
        var data = Path.Combine(Path.GetTempPath(), "gridactors-tests", Guid.NewGuid().ToString("N"));
        var ids = new List<string>();
        await using (var first = await GatewayProcess.StartAsync(data))
        {
            await County.Create(first.Http);
            ids.Add(await Report(first.Http, County.Grid, title: "预热"));
            ids.AddRange(await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Report(first.Http, County.Grid, title: $"纠纷 {i}"))));
            first.Kill();
        }
        var waiting = InboxRows(data);
        Assert.True(waiting > 0, "the process should have been killed before the grid wrote what it answered");

        await using var second = await GatewayProcess.StartAsync(data);
        Assert.Equal(ids.Order(), (await Queue(second.Http, "grids", County.Grid, "?limit=100")).Order());
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var window = $"?from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}";
        Assert.Equal(11, (await second.Http.GetJson($"/api/v1/grids/{County.Grid}/resolution-stats{window}"))["reported"]!.GetValue<long>());
        await Eventually.Get(() => second.Http.GetJson($"/api/v1/counties/{County.Code}/resolution-stats{window}"),
            s => s["reported"]!.GetValue<long>() == 11, "the county to count the eleven reports");
        await Eventually.Get(() => Task.FromResult(InboxRows(data)), n => n == 0, "the grid to write what it read from its inboxes");
    }

    /// <summary>
    /// Versions before the inbox had its own table kept waiting notices as rows of grain_states (grain_id 'inbox', the
    /// same row names). Notices left there when such a version stopped reach the grid once the new one starts.
    /// </summary>
    [Fact]
    public async Task NoticesWaitingInTheEarlierLayout_ReachTheGridsQueueAndFigures_AfterTheUpgrade_OnSqlite()
    {
        await using var first = GatewayApp.OnSqlite();
        var file = Path.Combine(first.Settings["Storage:DataDirectory"]!, StorageOptions.SqliteFileName);
        await NoticesWaitingInTheEarlierLayout_ReachTheGrid(first, () =>
        {
            using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
            connection.Open();
            return ToEarlierLayout(connection, "datetime()");
        });
    }

    [Fact]
    public async Task NoticesWaitingInTheEarlierLayout_ReachTheGridsQueueAndFigures_AfterTheUpgrade_OnPostgres()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var first = GatewayApp.OnPostgres(database.ConnectionString);
        await NoticesWaitingInTheEarlierLayout_ReachTheGrid(first, () =>
        {
            using var connection = new NpgsqlConnection(database.ConnectionString);
            connection.Open();
            return ToEarlierLayout(connection, "now()");
        });
    }

    private static async Task NoticesWaitingInTheEarlierLayout_ReachTheGrid(GatewayApp first, Func<(long Moved, long Left)> toEarlierLayout)
    {
        const string day = "?from=2026-03-02&to=2026-03-02";
        var cut = new FailNoticeCalls();
        first.WithTestServices(services => services.AddSingleton<IOutgoingGrainCallFilter>(cut));
        var http = first.Start();
        await County.Create(http);
        var id = await Report(http, County.Grid, title: "升级前未送达");
        await first.DisposeAsync();
        var (moved, _) = toEarlierLayout();
        Assert.True(moved >= 2, $"the queue's and the statistics' notices should have waited in the inbox, {moved} did");

        await using var second = first.Restarted();
        var again = second.Start();
        Assert.Equal([id], await Queue(again, "grids", County.Grid));
        Assert.Equal(1, (await again.GetJson($"/api/v1/grids/{County.Grid}/resolution-stats{day}"))["reported"]!.GetValue<long>());
        await second.DisposeAsync();
        var (_, left) = toEarlierLayout();
        Assert.Equal(0, left);
    }

    /// <summary>Moves every waiting notice back where earlier versions kept it; answers how many it moved and how many it found there.</summary>
    private static (long Moved, long Left) ToEarlierLayout(System.Data.Common.DbConnection connection, string now)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM grain_states WHERE grain_id = 'inbox'";
        var left = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        command.CommandText =
            "INSERT INTO grain_states (service_id, grain_id, state_name, version, payload, modified_at) " +
            $"SELECT service_id, 'inbox', post_name, 1, payload, {now} FROM grain_inbox";
        var moved = command.ExecuteNonQuery();
        command.CommandText = "DELETE FROM grain_inbox";
        command.ExecuteNonQuery();
        transaction.Commit();
        return (moved, left);
    }

    private static long InboxRows(string dataDirectory)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, StorageOptions.SqliteFileName)};Pooling=False");
        connection.Open();
        using var command = new SqliteCommand("SELECT count(*) FROM grain_inbox", connection);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Fails every notice call from an issue to a queue or a grid's statistics, before it reaches them.</summary>
    private sealed class FailNoticeCalls : IOutgoingGrainCallFilter
    {
        private int _failed;

        public int Failed => Volatile.Read(ref _failed);

        public Task Invoke(IOutgoingGrainCallContext context)
        {
            if ((context.InterfaceMethod?.DeclaringType == typeof(IIssueQueueGrain) && context.InterfaceMethod?.Name == nameof(IIssueQueueGrain.Apply))
                || (context.InterfaceMethod?.DeclaringType == typeof(IResolutionStatsGrain) && context.InterfaceMethod?.Name == nameof(IResolutionStatsGrain.Apply)))
            {
                Interlocked.Increment(ref _failed);
                throw new TimeoutException($"{context.InterfaceMethod!.Name} to {context.TargetId} did not get through");
            }
            return context.Invoke();
        }
    }
}

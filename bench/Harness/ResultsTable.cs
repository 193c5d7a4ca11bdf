using System.Globalization;
using System.Text;

namespace GridActors.Bench;

/// <summary>
/// <c>table --metrics FILE [--out FILE.md]</c>: the results table from the figures measured in this run: each figure
/// next to its baseline from the same run, the ratio, the target and pass/fail.
/// </summary>
public static class ResultsTable
{
    public static int Print(Options options)
    {
        var m = File.ReadAllLines(options.Get("metrics"))
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1]);
        double? N(string key) => m.TryGetValue(key, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
        var rows = new List<string[]>();
        var failed = 0;

        void Ratio(string id, string figure, double? value, string unit, double? baseline, string baselineName, double target, string note = "")
        {
            var ratio = value / baseline;
            var pass = ratio is { } r ? r >= target : (bool?)null;
            Add(id, figure, Fmt(value, unit), $"{Fmt(baseline, unit)} ({baselineName})", ratio is { } x ? $"{x:0.00}×" : "—", $"≥ {target:0.0}×", pass, note);
        }

        void Absolute(string id, string figure, double? value, string unit, string baseline, string ratio, double limit, string note = "")
        {
            var pass = value is { } v ? v <= limit : (bool?)null;
            Add(id, figure, Fmt(value, unit), baseline, ratio, $"≤ {Fmt(limit, unit)}", pass, note);
        }

        void Add(string id, string figure, string value, string baseline, string ratio, string target, bool? pass, string note)
        {
            if (pass == false)
            {
                failed++;
            }
            rows.Add([id, figure, value, baseline, ratio, target, pass switch { true => "pass", false => "**FAIL**", null => "not measured" }, note]);
        }

        var quick = m.GetValueOrDefault("mode") == "quick";
        Ratio("B1", "GET a grid (one grain call, API key checked), requests/s", N("b1.service.rps"), "/s", N("b1.baseline.rps"), "bare Kestrel constant", 0.6,
            $"wrk {m.GetValueOrDefault("wrk.shape", "")}; non-2xx {m.GetValueOrDefault("b1.service.non2xx", "?")}, timeouts {m.GetValueOrDefault("b1.service.timeouts", "?")}");
        Ratio("B2", "POST an issue, persisted, PostgreSQL, requests/s", N("b2.service.rps"), "/s", N("raw.pg.rps"), "raw Npgsql upserts", 0.5,
            $"synchronous_commit on; non-2xx {m.GetValueOrDefault("b2.service.non2xx", "?")}, timeouts {m.GetValueOrDefault("b2.service.timeouts", "?")}");
        Ratio("B3", "POST an issue, persisted, SQLite, requests/s", N("b3.service.rps"), "/s", N("raw.sqlite.rps"), "raw Microsoft.Data.Sqlite upserts", 0.5,
            $"16 KB pages, WAL, synchronous=NORMAL, busy_timeout 10 s, as the service; {FourKb()}non-2xx {m.GetValueOrDefault("b3.service.non2xx", "?")}, timeouts {m.GetValueOrDefault("b3.service.timeouts", "?")}");
        string FourKb() => N("raw.sqlite.4k.rps") is { } fourKb && N("b3.service.rps") is { } b3
            ? $"with SQLite's default 4 KB pages the raw upserts ran {Fmt(fourKb, "/s")} ({b3 / fourKb:0.00}×); "
            : "";
        var directP50 = N("b4.direct.p50.ms");
        var directP99 = N("b4.direct.p99.ms");
        Add("B4", $"escalation grid→village→township→county, p50 ({m.GetValueOrDefault("b4.chains", "?")} chains at {m.GetValueOrDefault("b4.rate", "?")}/s)",
            Fmt(N("b4.stream.p50.ms"), "ms"), $"{Fmt(directP50, "ms")} (direct grain calls)", N("b4.stream.p50.ms") / directP50 is { } r50 ? $"{r50:0}×" : "—", "—", null,
            $"one hop p50 {Fmt(N("b4.hop.p50.ms"), "ms")}");
        rows[^1][6] = "info";
        Absolute("B4", "escalation grid→village→township→county, p99", N("b4.stream.p99.ms"), "ms", $"{Fmt(directP99, "ms")} (direct grain calls)",
            N("b4.stream.p99.ms") / directP99 is { } r99 ? $"{r99:0}×" : "—", 100, $"max {Fmt(N("b4.stream.max.ms"), "ms")}; streams polled every 10 ms");
        Absolute("B4", "escalations lost or failed", N("b4.lost"), "", "0", "—", 0);
        foreach (var kind in new[] { "grid", "member" })
        {
            foreach (var count in m.Keys.Where(k => k.StartsWith($"b5.{kind}.", StringComparison.Ordinal) && k.EndsWith(".bytes", StringComparison.Ordinal))
                .Select(k => int.Parse(k.Split('.')[2], CultureInfo.InvariantCulture)).Order())
            {
                var value = N($"b5.{kind}.{count}.bytes");
                var empty = N($"b5.empty.{count}.bytes");
                Absolute("B5", $"memory per idle {kind} grain at {count:N0} activations", value, "B", $"{Fmt(empty, "B")} (empty grain)",
                    value / empty is { } r ? $"{r:0.00}×" : "—", 4096, "in-memory grain storage");
            }
        }
        var importNote = m.GetValueOrDefault("b6.import.endpoint") == "pending"
            ? "import endpoint pending: rows loaded through PUT/POST per row"
            : "CSV files through POST /api/v1/import/{kind}, one per kind and county";
        Ratio("B6", $"load a synthetic county ({m.GetValueOrDefault("b6.county.rows", "?")} rows), rows/s", N("b6.county.rps"), "/s", N("raw.pg.rps"), "raw Npgsql upserts", 0.5, importNote);
        if (N("b6.province.rps") is not null || !quick)
        {
            Ratio("B6", $"load a province slice ({m.GetValueOrDefault("b6.province.rows", "?")} rows), rows/s", N("b6.province.rps"), "/s", N("raw.pg.rps"), "raw Npgsql upserts", 0.5, importNote);
        }
        Absolute("B7", $"county leadership report, p99 ({m.GetValueOrDefault("b7.leadership.villages", "?")} villages, {m.GetValueOrDefault("b7.leadership.cadres", "?")} cadres loaded)",
            N("b7.leadership.p99.ms"), "ms", "none", "—", 1000, $"first {Fmt(N("b7.leadership.first.ms"), "ms")}, p50 {Fmt(N("b7.leadership.p50.ms"), "ms")}");
        Absolute("B7", $"county resolution statistics, p99 ({m.GetValueOrDefault("b7.stats.issues", "?")} issues)", N("b7.stats.p99.ms"), "ms", "none", "—", 1000,
            $"first {Fmt(N("b7.stats.first.ms"), "ms")}, p50 {Fmt(N("b7.stats.p50.ms"), "ms")}");
        string Generation(string key) => N(key + ".maxpause.gen") is { } g and >= 0 ? $" (gen{g:0})" : "";
        var pauses = new[] { ("service on SQLite (B1, B3)", "gc.sqlite"), ("service on PostgreSQL (B2)", "gc.pg.b2"), ("B4 harness (service in process)", "b4.gc") };
        var longest = pauses.Select(p => N(p.Item2 + ".maxpause.ms")).Where(v => v is not null).DefaultIfEmpty(null).Max();
        Absolute("GC", "longest GC pause during B1-B4 (Server GC)", longest, "ms", "—", "—", 100,
            string.Join("; ", pauses.Select(p => $"{p.Item1}: {Fmt(N(p.Item2 + ".maxpause.ms"), "ms")}{Generation(p.Item2)} of {m.GetValueOrDefault(p.Item2 + ".pauses", "?")} pauses")));

        var table = new StringBuilder();
        table.AppendLine("| # | figure | value | baseline (same run) | ratio | target | result | notes |");
        table.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            table.AppendLine("| " + string.Join(" | ", row) + " |");
        }
        Console.WriteLine(table.ToString());
        Console.WriteLine(failed == 0 ? "all targets met" : $"{failed} target(s) missed");
        if (options.Get("out", "") is { Length: > 0 } output)
        {
            File.WriteAllText(output, table.ToString());
        }
        return 0;
    }

    private static string Fmt(double? value, string unit) => value switch
    {
        null => "—",
        { } v when unit == "/s" => $"{v:N0}/s",
        { } v when unit == "ms" => v < 1 ? $"{v:0.000} ms" : v < 100 ? $"{v:0.0} ms" : $"{v:N0} ms",
        { } v when unit == "B" => $"{v:N0} B",
        { } v => $"{v:0.##}",
    };
}

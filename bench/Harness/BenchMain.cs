namespace GridActors.Bench;

/// <summary>
/// Entry point of the benchmark harness; bench/run.sh calls one command at a time. Each command appends the
/// figures it measured as <c>key=value</c> lines to the file named by <c>--metrics</c>; <c>table</c> turns that
/// file into the results table (ratios, targets, pass/fail).
/// </summary>
public static class BenchMain
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: GridActors.Bench <raw-pg|raw-sqlite|pg-db|gc-watch|setup|post-issues|b4|b5|b6|b7|table> [--option value ...]");
            return 2;
        }
        var options = Options.Parse(args.Skip(1));
        try
        {
            return args[0] switch
            {
                "raw-pg" => await RawUpserts.PostgresAsync(options),
                "raw-sqlite" => await RawUpserts.SqliteAsync(options),
                "pg-db" => await PostgresDatabases.CreateAsync(options),
                "gc-watch" => await GcPauses.WatchAsync(options),
                "setup" => await ServiceDriver.SetupAsync(options),
                "post-issues" => await ServiceDriver.PostIssuesAsync(options),
                "b4" => await EscalationBench.RunAsync(options),
                "b5" => await ActivationMemory.RunAsync(options),
                "b6" => await ImportBench.RunAsync(options),
                "b7" => await ReportsBench.RunAsync(options),
                "table" => ResultsTable.Print(options),
                _ => throw new ArgumentException($"unknown command {args[0]}"),
            };
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"bench {args[0]} failed: {e}");
            return 1;
        }
    }
}

namespace GridActors.Bench.Baseline;

/// <summary>
/// A bare Kestrel endpoint that answers a constant: the ceiling one HTTP request can reach on this machine
/// with the service's host settings. <c>GET /constant</c> answers a JSON body of about the size of a grid.
/// </summary>
public static class BaselineMain
{
    private const string Body = """
        {"code":"110101001001001","level":"grid","name":"网格","parent":"110101001001","villagerGroups":["一组"],"children":[],"version":1,"createdAt":"2026-01-01T00:00:00+00:00","updatedAt":"2026-01-01T00:00:00+00:00"}
        """;

    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/constant", () => Results.Text(Body, "application/json; charset=utf-8"));
        app.MapGet("/health/ready", () => Results.Text("Healthy"));
        app.Run();
    }
}

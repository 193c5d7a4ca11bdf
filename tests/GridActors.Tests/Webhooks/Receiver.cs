using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GridActors.Tests.Webhooks;

/// <summary>
/// A webhook receiver as an integrator would write one: a Kestrel app on a free loopback port that checks each
/// request's signature with the subscription's secret and keeps what arrived. It can answer 503 (failing), and it can be
/// stopped and started again on the same port (down and back).
/// </summary>
internal sealed class Receiver : IAsyncDisposable
{
    private WebApplication? _app;

    public int Port { get; } = Infrastructure.GatewayApp.FreePort();

    public string Url => $"http://127.0.0.1:{Port}/hook";

    /// <summary>The subscription's secret, for the check.</summary>
    public string Secret { get; set; } = "";

    /// <summary>When true, answers 503 without taking anything.</summary>
    public bool Failing { get; set; }

    public ConcurrentQueue<Arrival> Arrivals { get; } = new();

    /// <summary>Requests whose signature did not verify.</summary>
    public ConcurrentQueue<string> Forged { get; } = new();

    public int Requests => _requests;

    private int _requests;

    public async Task Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, Port));
        _app = builder.Build();
        _app.MapPost("/hook", async (HttpContext http) =>
        {
            Interlocked.Increment(ref _requests);
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            if (Failing)
            {
                return Results.StatusCode(503);
            }
            var id = http.Request.Headers["GridActors-Webhook-Id"].ToString();
            var timestamp = http.Request.Headers["GridActors-Webhook-Timestamp"].ToString();
            var signature = http.Request.Headers["GridActors-Webhook-Signature"].ToString();
            // The check of docs/webhooks.md.
            var expected = "v1=" + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(signature)))
            {
                Forged.Enqueue(id);
                return Results.StatusCode(401);
            }
            Arrivals.Enqueue(new Arrival(id, long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), JsonNode.Parse(body)!));
            return Results.NoContent();
        });
        await _app.StartAsync();
    }

    public async Task Stop()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>What arrived, one per delivery id (the receiver's deduplication), in arrival order.</summary>
    public IReadOnlyList<Arrival> Unique() => Arrivals.GroupBy(a => a.Id).Select(g => g.First()).ToArray();

    public ValueTask DisposeAsync() => new(Stop());
}

internal sealed record Arrival(string Id, long Timestamp, JsonNode Body)
{
    public string IssueId => Body["issueId"]!.GetValue<string>();
    public long Version => Body["version"]!.GetValue<long>();
    public string Kind => Body["kind"]!.GetValue<string>();
}

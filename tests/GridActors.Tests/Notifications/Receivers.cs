using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace GridActors.Tests.Notifications;

/// <summary>
/// A county's SMS provider, stood in by a real HTTP server on a free port: it takes the request the adapter is set to
/// send (a JSON body with phone and text, and an API key header) and answers as told: 200, or 503 for the first few.
/// </summary>
public sealed class SmsGatewayStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;

    public sealed record Message(string Phone, string Text, string? ApiKey, DateTimeOffset At);

    public ConcurrentQueue<Message> Received { get; } = new();

    public int Requests;

    public string Url { get; }

    private SmsGatewayStandIn(int failFirst)
    {
        _failuresLeft = failFirst;
        var port = GatewayApp.FreePort();
        Url = $"http://127.0.0.1:{port}/sms/send";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/sms/send", async (HttpContext http) =>
        {
            Interlocked.Increment(ref Requests);
            if (Interlocked.Decrement(ref _failuresLeft) >= 0)
            {
                return Results.StatusCode(503);
            }
            var body = (await JsonNode.ParseAsync(http.Request.Body))!;
            Received.Enqueue(new Message(body["phone"]!.GetValue<string>(), body["text"]!.GetValue<string>(), http.Request.Headers["X-Api-Key"].FirstOrDefault(), DateTimeOffset.UtcNow));
            return Results.Ok(new { code = 0 });
        });
    }

    public static async Task<SmsGatewayStandIn> Start(int failFirst = 0)
    {
        var gateway = new SmsGatewayStandIn(failFirst);
        await gateway._app.StartAsync();
        return gateway;
    }

    /// <summary>Settings that point a gateway app at this stand-in, as a county would point it at its provider.</summary>
    public GatewayApp Configure(GatewayApp app) => app
        .WithSetting("Notifications:Sms:Url", Url)
        .WithSetting("Notifications:Sms:Headers:X-Api-Key", "provider-secret")
        .WithSetting("Notifications:Sms:Body", """{"phone":"{phone}","text":"{text}"}""");

    public async Task<Message> WaitFor(Func<Message, bool> match, TimeSpan within)
    {
        var until = DateTimeOffset.UtcNow + within;
        while (DateTimeOffset.UtcNow < until)
        {
            if (Received.FirstOrDefault(match) is { } found)
            {
                return found;
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"no such SMS within {within}; received: {string.Join(" | ", Received.Select(m => m.Text))}");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>An SMTP server (the SmtpServer package) on a free port, keeping every message it accepts.</summary>
public sealed class SmtpStandIn : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Store _store = new();

    public int Port { get; } = GatewayApp.FreePort();

    public ConcurrentQueue<MimeMessage> Received => _store.Messages;

    private SmtpStandIn()
    {
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Port(Port).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(_store);
        _ = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public static SmtpStandIn Start() => new();

    public GatewayApp Configure(GatewayApp app) => app
        .WithSetting("Notifications:Email:Host", "127.0.0.1")
        .WithSetting("Notifications:Email:Port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .WithSetting("Notifications:Email:Security", "none")
        .WithSetting("Notifications:Email:From", "grid@example.org");

    public async Task<MimeMessage> WaitFor(Func<MimeMessage, bool> match, TimeSpan within)
    {
        var until = DateTimeOffset.UtcNow + within;
        while (DateTimeOffset.UtcNow < until)
        {
            if (Received.FirstOrDefault(match) is { } found)
            {
                return found;
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"no such email within {within}; received: {Received.Count}");
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private sealed class Store : MessageStore
    {
        public ConcurrentQueue<MimeMessage> Messages { get; } = new();

        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            Messages.Enqueue(MimeMessage.Load(stream, cancellationToken));
            return Task.FromResult(SmtpResponse.Ok);
        }
    }
}

/// <summary>Every log line the app writes, formatted, to look for what must never be in them.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
    }
}

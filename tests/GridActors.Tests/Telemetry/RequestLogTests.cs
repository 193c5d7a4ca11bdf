using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace GridActors.Tests.Telemetry;

/// <summary>
/// ASP.NET Core's per-request log lines are off unless an operator asks for them: while that category is on at any
/// level, every request pays for a log scope and an Activity (docs/operations.md).
/// </summary>
public sealed class RequestLogTests
{
    private const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Fact]
    public async Task RequestLogs_AreOffByDefault_AndOnWhenTheConfigurationNamesALevel()
    {
        await using (var quiet = GatewayApp.OnSqlite())
        {
            quiet.Start();
            Assert.False(quiet.Service<ILoggerFactory>().CreateLogger(Category).IsEnabled(LogLevel.Critical));
            Assert.True(quiet.Service<ILoggerFactory>().CreateLogger("GridActors.Gateway").IsEnabled(LogLevel.Warning));
        }

        await using var logging = GatewayApp.OnSqlite().WithSetting($"Logging:LogLevel:{Category}", "Information");
        logging.Start();
        Assert.True(logging.Service<ILoggerFactory>().CreateLogger(Category).IsEnabled(LogLevel.Information));
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace GridActors.Tests.Hosting;

/// <summary>What an operator reads on the console when the gateway starts, or refuses to.</summary>
public sealed partial class StartupOutputTests
{
    [Fact]
    public async Task StartedFromAnotherFolder_LogsNoFrameworkInformation_AndTheBannerLast()
    {
        await using var gateway = GatewayOutput.Start();
        await gateway.WaitUntilReady();
        // The console logger writes from a queue of its own: give it time to write what start-up logged.
        await Task.Delay(TimeSpan.FromSeconds(2));

        var lines = gateway.Lines.Select(l => Ansi().Replace(l, "")).ToList();
        var entries = lines.Select((line, index) => (Match: Entry().Match(line), Index: index)).Where(e => e.Match.Success).ToList();
        Assert.NotEmpty(entries);
        var frameworkInformation = entries
            .Where(e => e.Match.Groups["level"].Value is "info" or "dbug" or "trce" && Framework().IsMatch(e.Match.Groups["category"].Value))
            .Select(e => lines[e.Index]).ToList();
        Assert.True(frameworkInformation.Count == 0, "framework categories logged at Information:\n" + string.Join('\n', frameworkInformation.Take(20)));

        // Warnings may come at any time (Orleans' watchdog warns on its first check, a few seconds into start-up, before
        // or after the banner depending on the machine's load); what start-up reports is over with the banner.
        var last = entries.Last(e => e.Match.Groups["level"].Value is "info" or "dbug" or "trce");
        var message = string.Join('\n', lines.Skip(last.Index).Take(2));
        Assert.Contains("GridActors console at http://127.0.0.1:", message, StringComparison.Ordinal);
        Assert.Contains("/api/v1", message, StringComparison.Ordinal);
        Assert.Contains("/docs", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Orleans__SiloPort")]
    [InlineData("Orleans__GatewayPort")]
    public async Task AnOrleansPortInUse_StopsStartup_WithOneLineNamingThePortAndTheSetting(string variable)
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        await using var gateway = GatewayOutput.Start(new Dictionary<string, string> { [variable] = port });

        Assert.True(await gateway.Exited(TimeSpan.FromSeconds(60)), "the gateway kept running on a port in use:\n" + string.Join('\n', gateway.Lines));
        Assert.NotEqual(0, gateway.Process.ExitCode);
        var lines = gateway.Lines;
        var naming = lines.Where(l => l.Contains(port, StringComparison.Ordinal) && l.Contains(variable, StringComparison.Ordinal)).ToList();
        Assert.True(naming.Count == 1, "expected one line naming the port and the setting:\n" + string.Join('\n', lines));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^(?<level>trce|dbug|info|warn|fail|crit): (?<category>[^\[\s]+)\[")]
    private static partial Regex Entry();

    [GeneratedRegex(@"^(Microsoft|Orleans|System|Polly)(\.|$)")]
    private static partial Regex Framework();

    [GeneratedRegex(@"\x1B\[[0-9;]*m")]
    private static partial Regex Ansi();
}

namespace GridActors.Silo.Hosting;

/// <summary>The command line a GridActors host starts from.</summary>
public static class HostArguments
{
    /// <summary>
    /// Turns off reloading appsettings*.json on change, unless the command line or <c>DOTNET_hostBuilder__reloadConfigOnChange</c>
    /// turns it back on. Reloading watches the content root and every folder below it, and the embedded profile keeps its
    /// SQLite database in <c>./data</c> there: every write of every grain woke the file watcher (5 % of the CPU of a report
    /// load, measured with perf). Settings come from the environment in deployments; a restart applies a changed file.
    /// </summary>
    public static string[] WithoutConfigReload(string[] args) =>
        Environment.GetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange") is { Length: > 0 }
            ? args
            : ["--hostBuilder:reloadConfigOnChange=false", .. args];
}

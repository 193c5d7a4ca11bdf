namespace GridActors.Silo.Hosting;

/// <summary>
/// Framework categories (<c>Microsoft.*</c>, <c>Orleans.*</c>, <c>System.*</c>, <c>Polly</c>) log at Warning unless the
/// configuration names a level for them. Set in code, not in appsettings.json, because that file is read from the
/// content root, which is the working directory: started from the repository root as the README says, the file was not
/// found and every framework event was logged at Information (275 KB in seven minutes).
/// </summary>
public static class LogDefaults
{
    private static readonly string[] FrameworkCategories = ["Microsoft", "Orleans", "System", "Polly"];

    public static ILoggingBuilder AddGridActorsLogDefaults(this ILoggingBuilder logging)
    {
        logging.Services.Configure<LoggerFilterOptions>(options =>
        {
            // First in the list: of two rules for the same category the later one wins, so a level the configuration
            // names for one of these categories (Logging__LogLevel__Orleans=Information) still applies. A more specific
            // category wins too (Logging__LogLevel__Microsoft.AspNetCore=Information); Default does not widen these.
            for (var i = 0; i < FrameworkCategories.Length; i++)
            {
                options.Rules.Insert(i, new LoggerFilterRule(null, FrameworkCategories[i], LogLevel.Warning, null));
            }
        });
        return logging;
    }
}

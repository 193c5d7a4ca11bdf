namespace GridActors.Gateway.Hosting;

/// <summary>
/// Browsers on other origins (<c>Cors:AllowedOrigins</c>, a comma list or <c>Cors__AllowedOrigins__0</c>, ...; none by
/// default, so no CORS header is ever sent) may call the API: any method, any request header, and the headers a client
/// reads back (ETag, Location, Retry-After, Idempotent-Replayed) exposed. A preflight carries no key, so it is answered
/// here, before the access checks, which would refuse it 401.
/// </summary>
public static class CrossOrigin
{
    private const string Setting = "Cors:AllowedOrigins";

    public static WebApplicationBuilder AddGridActorsCors(this WebApplicationBuilder builder)
    {
        var origins = Origins(builder.Configuration);
        if (origins.Length > 0)
        {
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
                .WithOrigins(origins)
                .AllowAnyMethod()
                .AllowAnyHeader()
                .WithExposedHeaders("ETag", "Location", "Retry-After", "Idempotent-Replayed")
                // Browsers may keep a preflight's answer this long instead of asking again before each call.
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        }
        return builder;
    }

    /// <summary>
    /// Before the access checks. Routing has already run (WebApplication matches the endpoint first), and a preflight
    /// matches no endpoint of the API; the CORS middleware answers it 204 without calling further.
    /// </summary>
    public static WebApplication UseGridActorsCors(this WebApplication app)
    {
        if (Origins(app.Configuration).Length > 0)
        {
            app.UseCors();
        }
        return app;
    }

    private static string[] Origins(IConfiguration configuration)
    {
        var section = configuration.GetSection(Setting);
        return (section.Value is { } value ? [value] : section.GetChildren().Select(c => c.Value).OfType<string>())
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(origin => origin.TrimEnd('/'))
            .ToArray();
    }
}

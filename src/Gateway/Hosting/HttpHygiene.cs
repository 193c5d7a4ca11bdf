using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Primitives;

namespace GridActors.Gateway.Hosting;

/// <summary>
/// What every answer carries for browsers and caches, and how the gateway learns a client's address behind a proxy.
/// Every answer: <c>X-Content-Type-Options: nosniff</c>, <c>X-Frame-Options: DENY</c>, a Content-Security-Policy with
/// <c>frame-ancestors 'none'</c> (and <c>default-src 'none'</c> except on the HTML pages <c>/docs</c> and
/// <c>/dashboard</c>, which load their own scripts and styles, and the console's pages, which load their own stylesheet and script), <c>Referrer-Policy: no-referrer</c>; every
/// <c>/api/v1</c> answer <c>Cache-Control: no-store</c> (personal data, or data bound to a key's jurisdiction, which a
/// shared cache must not hand to someone else); no <c>Server</c> header. See docs/operations.md.
/// </summary>
public static class HttpHygiene
{
    // Static values: setting a header is then a store into Kestrel's header slots, with nothing allocated per request.
    private static readonly StringValues NoSniff = "nosniff";
    private static readonly StringValues Deny = "DENY";
    private static readonly StringValues NothingAllowed = "default-src 'none'; frame-ancestors 'none'";
    private static readonly StringValues NeverFramed = "frame-ancestors 'none'";
    // The console's pages: their own stylesheet, forms and one script of their own (the live feed's reads of the API),
    // nothing inline, nothing from elsewhere.
    private static readonly StringValues ConsolePages = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'self'; frame-ancestors 'none'";
    private static readonly PathString Console = "/console";
    private static readonly StringValues NoReferrer = "no-referrer";
    private static readonly StringValues NoStore = "no-store";
    private static readonly PathString Api = "/api/v1";
    private static readonly PathString Docs = "/docs";
    private static readonly PathString Dashboard = "/dashboard";
    private const string ReferrerPolicy = "Referrer-Policy";
    private const string KnownProxies = "ForwardedHeaders:KnownProxies";
    private const string KnownNetworks = "ForwardedHeaders:KnownNetworks";

    /// <summary>
    /// No <c>Server</c> header; the headers again on a 500 (the exception handler clears the answer's headers before it
    /// writes the problem); forwarded headers from the proxies named in <c>ForwardedHeaders:KnownProxies</c> and
    /// <c>ForwardedHeaders:KnownNetworks</c>.
    /// </summary>
    public static WebApplicationBuilder AddGridActorsHttpHygiene(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddProblemDetails(options =>
        {
            var earlier = options.CustomizeProblemDetails;
            options.CustomizeProblemDetails = problem =>
            {
                earlier?.Invoke(problem);
                Apply(problem.HttpContext);
            };
        });
        var proxies = List(builder.Configuration.GetSection(KnownProxies));
        var networks = List(builder.Configuration.GetSection(KnownNetworks));
        if (proxies.Length + networks.Length > 0)
        {
            builder.Services.Configure<ForwardedHeadersOptions>(options =>
            {
                options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                // Only the proxies named (ASP.NET Core's default, loopback, is dropped too): from anyone else,
                // X-Forwarded-For would let a client pick the address its requests are counted against.
                options.KnownProxies.Clear();
                options.KnownIPNetworks.Clear();
                foreach (var proxy in proxies)
                {
                    options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address) ? address
                        : throw new InvalidOperationException($"{KnownProxies}: '{proxy}' is not an IP address."));
                }
                foreach (var network in networks)
                {
                    options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed) ? parsed
                        : throw new InvalidOperationException($"{KnownNetworks}: '{network}' is not a network such as 10.0.0.0/8."));
                }
            });
        }
        return builder;
    }

    /// <summary>First in the pipeline, so that answers written by the access checks (401, 403, 429) carry the headers too.</summary>
    public static WebApplication UseGridActorsHttpHygiene(this WebApplication app)
    {
        if (List(app.Configuration.GetSection(KnownProxies)).Length + List(app.Configuration.GetSection(KnownNetworks)).Length > 0)
        {
            app.UseForwardedHeaders();
        }
        app.Use(static (context, next) =>
        {
            Apply(context);
            return next(context);
        });
        return app;
    }

    private static void Apply(HttpContext context)
    {
        var path = context.Request.Path;
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = NoSniff;
        headers.XFrameOptions = Deny;
        headers[ReferrerPolicy] = NoReferrer;
        headers.ContentSecurityPolicy = path.StartsWithSegments(Docs) || path.StartsWithSegments(Dashboard) ? NeverFramed
            : path.StartsWithSegments(Console) ? ConsolePages : NothingAllowed;
        if (path.StartsWithSegments(Api))
        {
            headers.CacheControl = NoStore;
        }
    }

    // "10.0.0.1,10.0.0.2" (one environment variable) or a list (ForwardedHeaders__KnownProxies__0, ...).
    private static string[] List(IConfigurationSection section) =>
        (section.Value is { } value ? [value] : section.GetChildren().Select(c => c.Value).OfType<string>())
        .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
}

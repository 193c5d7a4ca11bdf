using System.Text.Json;
using System.Text.Json.Serialization;
using GridActors.Gateway.Access;
using GridActors.Gateway.Apis;
using GridActors.Gateway.Export;
using GridActors.Gateway.Console;
using GridActors.Gateway.Files;
using GridActors.Gateway.Import;
using GridActors.Gateway.Open311;
using GridActors.Grains.Infrastructure;
using GridActors.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using GridActors.Silo.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Orleans.Dashboard;
using Scalar.AspNetCore;

namespace GridActors.Gateway.Hosting;

/// <summary>Registration of the gateway: Orleans (co-hosted silo or client), JSON, errors, OpenAPI, health.</summary>
public static partial class GatewayHostingExtensions
{
    /// <summary>
    /// <c>Gateway:CoHostSilo</c> (default true) runs a silo inside the gateway, so one process serves
    /// everything; false makes the gateway a stateless Orleans client of separate silos.
    /// </summary>
    public static WebApplicationBuilder AddGridActorsGateway(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (CoHostsSilo(configuration))
        {
            builder.UseOrleans(silo => silo.AddGridActorsSilo(configuration));
        }
        else
        {
            builder.UseOrleansClient(client =>
            {
                client.UseGridActorsClustering(configuration).UseGridActorsClientResilience(configuration);
                if (TelemetryExtensions.TracingEnabled(configuration))
                {
                    client.AddActivityPropagation();
                }
                if (SiloHostingExtensions.DashboardEnabled(configuration))
                {
                    client.AddDashboard();
                }
            });
        }

        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            var json = options.SerializerOptions;
            json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            // An unknown field is a mistake worth naming, not something to drop silently.
            json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        // Minimal APIs answer a body or parameter they cannot bind with a bare 400 outside Development; thrown instead,
        // ExceptionProblems names the field and the rule in every environment alike.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // Every problem's type is one of ProblemTypes', whoever wrote it (a handler, the access checks, ASP.NET Core).
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails += ProblemTypes.Complete);
        builder.Services.AddExceptionHandler<ExceptionProblems>();
        builder.Services.AddOpenApi(OpenApiExamples.Configure);
        builder.Services.AddGridActorsHealthChecks();
        builder.AddGridActorsTelemetry("gridactors-gateway");
        // ASP.NET Core's per-request category: while any level of it is on, every request opens a log scope and starts
        // an Activity even when no trace is recorded (18 % of a grid read's CPU, docs/operations.md). Off unless the
        // configuration names a level for it.
        if (configuration[$"Logging:LogLevel:{RequestLogCategory}"] is null)
        {
            builder.Logging.AddFilter(RequestLogCategory, LogLevel.None);
        }
        builder.AddGridActorsAccess();
        builder.Services.AddOpen311();
        builder.Services.TryAddSingleton<GridClock>();
        builder.Services.AddSingleton<UnitAnswerCache>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 1_048_576);
        builder.AddGridActorsHttpHygiene();
        builder.AddGridActorsCors();
        builder.AddGridActorsConsole();
        builder.AddGridActorsFiles();
        return builder;
    }

    /// <summary>Whether this gateway runs a silo (<c>Gateway:CoHostSilo</c>, default true), and so binds Orleans' ports.</summary>
    public static bool CoHostsSilo(IConfiguration configuration) => configuration.GetValue("Gateway:CoHostSilo", true);

    private const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static WebApplication MapGridActorsGateway(this WebApplication app)
    {
        app.UseGridActorsHttpHygiene();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseGridActorsCors();
        app.UseGridActorsAccess();
        // After access checks, so a retried request is authorised and counted once.
        app.UseRetryWhenUnavailable();
        // The console's form posts (and its sign-in and sign-out) carry an antiforgery token, checked here on the
        // endpoints that ask for it; cookie-authenticated API writes are checked with the credentials (ApiKeyGate).
        app.UseAntiforgery();
        // Access is endpoint metadata (AccessPolicy): what needs no key is mapped in one group, the API in another whose
        // default lets every role read and managers write; endpoints that need another role say so where they are mapped.
        var anyone = app.MapGroup("").WithAccess(AccessPolicy.Anyone);
        anyone.AddEndpointFilterFactory(RouteChecks.Factory);
        // Someone who opens the address in a browser lands on the staff console (which links the interactive docs).
        anyone.MapGet("/", () => TypedResults.Redirect("/console")).ExcludeFromDescription();
        anyone.MapGet("/console/console.css", (HttpContext http) => ConsoleAssets.Serve(http, "console.css", "text/css; charset=utf-8")).ExcludeFromDescription();
        anyone.MapGet("/console/feed.js", (HttpContext http) => ConsoleAssets.Serve(http, "feed.js", "text/javascript; charset=utf-8")).ExcludeFromDescription();
        anyone.MapOpenApi("/openapi/{documentName}.json");
        anyone.MapScalarApiReference("/docs", options => options.WithTitle("GridActors API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        anyone.MapGridActorsHealth();
        anyone.MapGridActorsMetrics();
        anyone.MapOpen311Api();
        anyone.MapPublicApi();
        anyone.MapSignedFiles();
        anyone.MapConfirmLinks();
        if (SiloHostingExtensions.DashboardEnabled(app.Configuration))
        {
            app.MapOrleansDashboard(AccessHosting.OperatorPages).WithAccess(AccessPolicy.Operators);
        }
        var api = app.MapGroup("").WithAccess(AccessPolicy.ByMethod);
        // Unit codes and paging are checked once for every endpoint that takes them (RouteChecks), before the body's
        // references: what the address names is answered first, the same way on every endpoint.
        api.AddEndpointFilterFactory(RouteChecks.Factory);
        api.AddEndpointFilterFactory(BodyReferences.Factory);
        // Every read that answers a table or a report downloads as CSV or XLSX too (Export/Exports.cs).
        api.Exported();
        api.MapKeysApi();
        api.MapStaffApi();
        api.MapAuditApi();
        api.MapUnitsApi();
        api.MapCategoriesApi();
        api.MapIssuesApi();
        api.MapFeedApi();
        api.MapNotificationsApi();
        api.MapReporterAnswersApi();
        api.MapGridMapApi();
        api.MapWebhooksApi();
        api.MapFilesApi();
        api.MapLeadershipApi();
        api.MapImportApi();
        api.MapMembersApi();
        api.MapPartyGroupsApi();
        api.MapHouseholdsApi();
        api.MapGridStaffApi();
        api.MapPartyTasksApi();
        api.MapPartyBranchesApi();
        api.MapCommitmentsApi();
        api.MapStarsApi();
        app.MapGridActorsConsole(anyone);
        app.Lifetime.ApplicationStarted.Register(() => AnnounceAddresses(app));
        return app;
    }

    private static void AnnounceAddresses(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            LogListening(app.Logger, address.TrimEnd('/'));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GridActors console at {Address}/console - API at {Address}/api/v1 - OpenAPI document at {Address}/openapi/v1.json - interactive docs at {Address}/docs")]
    private static partial void LogListening(ILogger logger, string address);
}

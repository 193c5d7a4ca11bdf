using System.Text.Json;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;

namespace GridActors.Gateway.Apis;

/// <summary>
/// The administrative backbone (治理网): counties, townships, villages and grids, keyed by their division codes.
/// </summary>
public static class UnitsApi
{
    /// <summary>URL segment of each level.</summary>
    public static readonly IReadOnlyDictionary<string, UnitLevel> Collections = new Dictionary<string, UnitLevel>
    {
        ["counties"] = UnitLevel.County,
        ["townships"] = UnitLevel.Township,
        ["villages"] = UnitLevel.Village,
        ["grids"] = UnitLevel.Grid,
    };

    private static readonly Dictionary<UnitLevel, string> Terms = new()
    {
        [UnitLevel.County] = "县(区) county",
        [UnitLevel.Township] = "乡镇 township",
        [UnitLevel.Village] = "村/社区 village or community",
        [UnitLevel.Grid] = "网格 grid",
    };

    public static IEndpointRouteBuilder MapUnitsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Units");
        // The read of a unit is the API's most frequent call: its services are taken here, once, rather than bound for
        // every request, which would open a request's service scope only to hand out these two singletons.
        var grainFactory = endpoints.ServiceProvider.GetRequiredService<IGrainFactory>();
        var unitAnswers = endpoints.ServiceProvider.GetRequiredService<UnitAnswerCache>();
        foreach (var (collection, level) in Collections)
        {
            api.MapPut($"/{collection}/{{code}}", (LevelValue code, UnitInput body, HttpContext http, IGrainFactory grains) => PutUnit(code, body, http, grains))
                .ForLevel(level)
                .AnswersConflict().HonoursIfMatch()
                .WithName($"Put{level}")
                .WithSummary($"Create or update a {level.Name()}")
                .WithDescription($"Creates or updates the {Terms[level]} with this division code (统计用区划代码). Idempotent: the same body twice leaves one unit. "
                    + "Answers 201 when created, 200 when updated; 409 when its parent unit is not registered; 412 when If-Match names an older version.");
            // Parsed by hand, not bound as a LevelValue: an endpoint filter on the API's most frequent read costs it a
            // filter invocation per request (BENCHMARKS.md, B1), for the same answers.
            api.MapGet($"/{collection}/{{code}}", (string code, HttpContext http) => GetUnit(level, code, http, grainFactory, unitAnswers))
                .AddEndpointFilter(ETags.NotModified)
                .Produces(StatusCodes.Status304NotModified)
                .Produces<UnitResponse>()
                .ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status404NotFound)
                .WithName($"Get{level}")
                .WithSummary($"Read a {level.Name()} with its children")
                .WithDescription($"Returns the {Terms[level]} with its child units (code and name) and its version as the ETag.");
        }
        api.MapGet("/counties/{code}/tree", GetTree)
            .WithName("GetCountyTree")
            .WithSummary("Read a county's whole tree down to grids")
            .WithDescription("The county (县) with its townships (乡镇), villages (村/社区) and grids (网格), nested.");
        return endpoints;
    }

    private static async Task<Results<Ok<UnitResponse>, Created<UnitResponse>, ValidationProblem, ProblemHttpResult>> PutUnit(
        LevelValue code, UnitInput body, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var (unitCode, level) = (code.Unit, code.Level);
        var details = body.Validate(level, errors);
        if (!ETags.TryParseIfMatch(http.Request, out var expectedVersion))
        {
            errors.Add("If-Match", "must be an ETag given by this API, such as \"3\"");
        }
        if (!errors.IsEmpty || details is null)
        {
            return Problems.Invalid(errors);
        }

        var outcome = await grains.GetUnit(unitCode).Upsert(details, expectedVersion);
        switch (outcome.Status)
        {
            case UpsertStatus.ParentMissing:
                var parent = UnitCode.Parse(outcome.MissingParent!);
                return Problems.Conflict(
                    "Parent unit not registered",
                    $"The {parent.Level.Name()} {parent} must be registered before the {level.Name()} {unitCode}.",
                    new Dictionary<string, object?> { ["missingParent"] = parent.Value, ["missingParentLevel"] = parent.Level.Name() });
            case UpsertStatus.VersionMismatch:
                return Problems.PreconditionFailed($"If-Match names version {expectedVersion}; the current version is {outcome.Unit?.Version ?? 0}.");
        }

        var response = UnitResponse.From(outcome.Unit!);
        ETags.Set(http.Response, response.Version);
        return outcome.Status == UpsertStatus.Created
            ? TypedResults.Created($"/api/v1/{CollectionOf(level)}/{unitCode}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<IResult> GetUnit(UnitLevel level, string code, HttpContext http, IGrainFactory grains, UnitAnswerCache answers)
    {
        if (!UnitCode.TryParse(code, level, out var unitCode, out var error))
        {
            return Problems.Invalid("code", error);
        }
        if (await answers.Read(grains.GetUnit(unitCode), unitCode.Value) is not { } answer)
        {
            return RouteChecks.NotRegistered(unitCode);
        }
        ETags.Set(http.Response, answer.Version);
        return new JsonBytes(answer.Json);
    }

    private static async Task<Results<Ok<UnitTreeResponse>, ValidationProblem, ProblemHttpResult>> GetTree(CountyValue code, IGrainFactory grains)
    {
        var tree = await grains.GetCounty(code).GetSubtree();
        return tree is null
            ? RouteChecks.NotRegistered(code.Unit)
            : TypedResults.Ok(UnitTreeResponse.From(tree));
    }

    public static string CollectionOf(UnitLevel level) => Collections.First(c => c.Value == level).Key;
}

/// <summary>A unit as the API shows it.</summary>
public sealed record UnitResponse(
    string Code,
    UnitLevel Level,
    string Name,
    string? Parent,
    string? Kind,
    IReadOnlyList<string>? VillagerGroups,
    ContactResponse? Leader,
    JsonElement? Boundary,
    IReadOnlyList<ChildResponse> Children,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static UnitResponse From(UnitView unit)
    {
        var code = UnitCode.Parse(unit.Code);
        var childLevel = unit.Level == UnitLevel.Grid ? (UnitLevel?)null : unit.Level - 1;
        return new UnitResponse(
            unit.Code,
            unit.Level,
            unit.Details.Name,
            code.Parent?.Value,
            unit.Details.Kind,
            unit.Details.VillagerGroups,
            unit.Details.Leader is { } l ? new ContactResponse(l.Name, l.Phone) : null,
            unit.Details.BoundaryGeoJson is { } geo ? JsonDocument.Parse(geo).RootElement.Clone() : null,
            unit.Children.Select(c => new ChildResponse(c.Code, c.Name, childLevel!.Value)).ToArray(),
            unit.Version,
            unit.CreatedAt,
            unit.UpdatedAt);
    }
}

public sealed record ContactResponse(string Name, string Phone);

public sealed record ChildResponse(string Code, string Name, UnitLevel Level);

public sealed record UnitTreeResponse(string Code, UnitLevel Level, string Name, string? Kind, IReadOnlyList<UnitTreeResponse> Children)
{
    public static UnitTreeResponse From(UnitTreeNode node) =>
        new(node.Code, node.Level, node.Name, node.Kind, node.Children.Select(From).ToArray());
}

/// <summary>
/// A JSON body already serialized, written as it is: what <c>TypedResults.Bytes</c> does for this case, without the
/// logger it takes from the request's services (which opens the request's service scope on every read).
/// </summary>
internal sealed class JsonBytes(byte[] json) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = json.Length;
        return response.Body.WriteAsync(json, 0, json.Length);
    }
}

/// <summary>
/// Versions travel as strong ETags ("3"); If-Match guards updates against lost writes, If-None-Match spares a reader the
/// body it already has (304).
/// </summary>
internal static class ETags
{
    public static void Set(HttpResponse response, long version) => response.Headers.ETag = $"\"{version}\"";

    /// <summary>
    /// On a read that sends an ETag (<c>.AddEndpointFilter(ETags.NotModified)</c>): 304 without a body when If-None-Match
    /// names the ETag the handler set. A filter rather than a check in each handler, because the handler knows the
    /// version only once it has read the record, and the 304 needs nothing else from it.
    /// </summary>
    public static async ValueTask<object?> NotModified(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        var asked = http.Request.Headers.IfNoneMatch;
        return asked.Count > 0 && http.Response.Headers.ETag is { Count: 1 } etag && Matches(asked, etag.ToString())
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : result;
    }

    // If-None-Match compares weakly (RFC 9110 13.1.2): W/"3" matches "3"; "*" matches any current version.
    private static bool Matches(StringValues asked, string etag)
    {
        foreach (var header in asked)
        {
            foreach (var tag in (header ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (tag == "*" || Opaque(tag) == Opaque(etag))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static string Opaque(string tag) => tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;

    public static bool TryParseIfMatch(HttpRequest request, out long? version)
    {
        version = null;
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrEmpty(header) || header == "*")
        {
            return true;
        }
        var text = header.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }
        if (text.Length > 2 && text[0] == '"' && text[^1] == '"' && long.TryParse(text[1..^1], out var v) && v >= 0)
        {
            version = v;
            return true;
        }
        return false;
    }
}

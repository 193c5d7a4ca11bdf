using GridActors.Grains.Infrastructure;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using GridActors.Gateway.Access;
using GridActors.Gateway.Apis;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Access;
using GridActors.Grains.Categories;
using GridActors.Grains.Issues;
using GridActors.Grains.Open311;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace GridActors.Gateway.Open311;

/// <summary>
/// Open311 GeoReport v2 (市民诉求开放接口) at <c>/open311/v2</c>, so that civic-reporting apps written against the
/// standard work unchanged: a jurisdiction is a county (县), a service is a category of its catalogue (事件分类),
/// a service request is an issue (民情/事件), routed to the grid (网格) whose boundary contains its location.
/// Every path ends in <c>.json</c> or <c>.xml</c>; errors are the spec's array of <c>{code, description}</c>.
/// See docs/open311.md.
/// </summary>
public static partial class Open311Api
{
    public const string Prefix = "/open311/v2";
    public const string Specification = "http://wiki.open311.org/GeoReport_v2";
    public const string GridCodeAttribute = "grid_code";
    /// <summary>The spec's default window of GET /requests, and the longest one a caller may ask for.</summary>
    public const int WindowDays = 90;
    /// <summary>The spec's limit on the requests one GET /requests returns.</summary>
    public const int MaxRequests = 1000;
    /// <summary>When this implementation of the interface last changed (the discovery document's changeset).</summary>
    private const string Changeset = "2026-03-01T00:00:00+08:00";
    private const int CallsAtOnce = 200;
    /// <summary>
    /// How an issue posted here names who reported it (its first history entry): what such a reporter sent to this public
    /// interface is shown by the reads (<see cref="RequestShaper"/>).
    /// </summary>
    internal const string ReportedByPrefix = "open311 ";

    public static IServiceCollection AddOpen311(this IServiceCollection services)
    {
        services.AddOptions<Open311Options>().BindConfiguration("Open311")
            .Validate(o => o.PublicBaseUrl is null || Open311Options.IsBaseUrl(o.PublicBaseUrl),
                "Open311:PublicBaseUrl must be an absolute http or https URL such as https://grid.example.gov.cn (environment variable Open311__PublicBaseUrl)")
            .ValidateOnStart();
        services.AddSingleton<GridLocator>();
        services.AddSingleton<IStartupFilter, GridWrites>();
        return services;
    }

    public static IEndpointRouteBuilder MapOpen311Api(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(Prefix).WithTags("Open311");
        api.MapGet("/discovery.{format}", Discovery)
            .WithName("Open311Discovery")
            .WithSummary("Open311 service discovery")
            .WithDescription("服务发现 (Open311 GeoReport v2 discovery): the endpoint's address, specification and formats. format is json or xml.")
            .Produces<Open311Discovery>(StatusCodes.Status200OK, "application/json", "text/xml");
        api.MapGet("/services.{format}", ListServices)
            .WithName("Open311ListServices")
            .WithSummary("List a county's services (Open311)")
            .WithDescription("服务类型列表: the county's issue categories (事件分类) as Open311 services; jurisdiction_id is the county code (县). "
                + "metadata is true: GET /services/{service_code} describes the grid_code attribute (网格).")
            .Produces<Open311Service[]>(StatusCodes.Status200OK, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status400BadRequest, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status404NotFound, "application/json", "text/xml");
        api.MapGet("/services/{service_code}.{format}", GetServiceDefinition)
            .WithName("Open311GetServiceDefinition")
            .WithSummary("Describe a service's attributes (Open311)")
            .WithDescription("服务定义: the attribute grid_code (网格编码), a single-value list of the county's grids, "
                + "for a request without lat/long (address_string with attribute[grid_code]).")
            .Produces<Open311ServiceDefinition>(StatusCodes.Status200OK, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status400BadRequest, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status404NotFound, "application/json", "text/xml");
        api.MapPost("/requests.{format}", PostRequest)
            .HonoursIdempotencyKey()
            .WithName("Open311PostRequest")
            .WithSummary("Post a service request (Open311)")
            .WithDescription("民情上报 through Open311: form fields as the spec names them. api_key must be a key with the reporter role whose jurisdiction covers the grid. "
                + "lat/long route the request to the grid whose boundary contains the point (a point outside every grid: 400); without them, "
                + "address_string (or address_id) with attribute[grid_code] names the grid. first_name, last_name and phone become the reporter (private); "
                + "email, device_id and account_id are not stored; media_url becomes the issue's photo attachment. Stored before the answer, which carries the service_request_id (no token). "
                + "An Idempotency-Key header makes a retry return the first request.")
            .Accepts<Open311RequestForm>("application/x-www-form-urlencoded", "multipart/form-data")
            .Produces<Open311Created[]>(StatusCodes.Status201Created, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status400BadRequest, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status403Forbidden, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status404NotFound, "application/json", "text/xml");
        api.MapGet("/requests.{format}", ListRequests)
            .WithName("Open311ListRequests")
            .WithSummary("Search a county's service requests (Open311)")
            .WithDescription("诉求查询: newest first, at most 1000; by default the last 90 days (start_date/end_date in W3C format, at most 90 days apart). "
                + "service_request_id (comma list) overrides the other filters; service_code and status (open, closed) take comma lists. "
                + "status_notes and agency_responsible (the unit now holding it, 责任单位) come from the issue's state. Public: no personal data of the reporter, no handler's notes; "
                + "description, address, lat/long and media_url only of requests posted through Open311 (docs/open311.md).")
            .Produces<Open311Request[]>(StatusCodes.Status200OK, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status400BadRequest, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status404NotFound, "application/json", "text/xml");
        api.MapGet("/requests/{service_request_id}.{format}", GetRequest)
            .WithName("Open311GetRequest")
            .WithSummary("Read one service request (Open311)")
            .WithDescription("诉求详情: open or closed, status_notes, agency_responsible (责任单位), expected_datetime (the deadline at the level holding it), "
                + "updated_datetime (its last history entry). Public: no personal data of the reporter, no handler's notes; "
                + "description, address, lat/long and media_url only of requests posted through Open311 (docs/open311.md).")
            .Produces<Open311Request[]>(StatusCodes.Status200OK, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status400BadRequest, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status404NotFound, "application/json", "text/xml");
        api.MapPost("/requests/{service_request_id}/confirm.{format}", ConfirmRequest)
            .WithName("Open311ConfirmRequest")
            .WithSummary("The reporter confirms a resolved request and rates it (GridActors extension to Open311)")
            .WithDescription("群众评价 through Open311: form fields jurisdiction_id, api_key (the reporter role, covering the grid of the request), settled (true or false), "
                + "satisfaction (1 to 5) and comment. Once per resolution; not settled reopens the request at the level that resolved it, once. "
                + "Answers the request as GET /requests/{id} does; 409 names the state when it is not resolved or closed, or this resolution was answered.")
            .Accepts<Open311ConfirmForm>("application/x-www-form-urlencoded", "multipart/form-data")
            .Produces<Open311Request[]>(StatusCodes.Status200OK, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status400BadRequest, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status403Forbidden, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status404NotFound, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status409Conflict, "application/json", "text/xml");
        api.MapGet("/tokens/{token}.{format}", GetToken)
            .WithName("Open311GetToken")
            .WithSummary("Exchange a token for a service request id (Open311)")
            .WithDescription("令牌查询: POST /requests answers the service_request_id at once, so a token is that id; kept for clients that ask anyway.")
            .Produces<Open311Token[]>(StatusCodes.Status200OK, "application/json", "text/xml")
            .Produces<Open311Error[]>(StatusCodes.Status404NotFound, "application/json", "text/xml");
        return endpoints;
    }

    // ---- Discovery and services ---------------------------------------------------------------------------

    private static IResult Discovery(string format, HttpContext http, IOptionsMonitor<Open311Options> options)
    {
        if (!Open311Answer.TryParse(format, out var f))
        {
            return UnknownFormat(format);
        }
        // Never the request's Host header: a client (or a cache in front of the gateway) could make the answer point
        // other clients elsewhere. The configured public address, or else a URL relative to this server.
        var settings = options.CurrentValue;
        var url = settings.PublicBaseUrl is { } configured ? configured.TrimEnd('/') + Prefix : $"{http.Request.PathBase}{Prefix}";
        return Open311Answer.Object(f, new Open311Discovery(Changeset, settings.Contact, settings.KeyService,
            [new Open311Endpoint(Specification, url, Changeset, "production", ["text/xml", "application/json"])]), "discovery");
    }

    private static async Task<IResult> ListServices(string format, [FromQuery(Name = "jurisdiction_id")] string? jurisdictionId, IGrainFactory grains)
    {
        if (!Open311Answer.TryParse(format, out var f))
        {
            return UnknownFormat(format);
        }
        var (county, refused) = await Jurisdiction(f, jurisdictionId, grains);
        if (refused is not null)
        {
            return refused;
        }
        var categories = await grains.GetGrain<ICategoryCatalogGrain>(county.ToString()).List();
        return Open311Answer.List(f, categories.Select(Service).ToArray(), "services", "service");
    }

    private static Open311Service Service(Category category)
    {
        var d = category.Deadlines;
        var description = $"办理时限 time to settle: grid {Span(d.Grid)}, village {Span(d.Village)}, township {Span(d.Township)}, county {Span(d.County)}"
            + (category.LowestLevel is { } lowest && lowest != UnitLevel.Grid ? $"; handled from the {lowest.Name()} up" : "");
        return new Open311Service(category.Code, category.Name, description, true, "realtime", null, null);
    }

    private static string Span(TimeSpan span) =>
        span.TotalDays >= 1 && span.Ticks % TimeSpan.TicksPerDay == 0 ? $"{span.TotalDays:0} d" : $"{span.TotalHours:0.#} h";

    private static async Task<IResult> GetServiceDefinition(
        string format, [FromRoute(Name = "service_code")] string serviceCode, [FromQuery(Name = "jurisdiction_id")] string? jurisdictionId,
        IGrainFactory grains, IMemoryCache cache)
    {
        if (!Open311Answer.TryParse(format, out var f))
        {
            return UnknownFormat(format);
        }
        var (county, refused) = await Jurisdiction(f, jurisdictionId, grains);
        if (refused is not null)
        {
            return refused;
        }
        if (await grains.GetGrain<ICategoryCatalogGrain>(county.ToString()).Get(serviceCode) is null)
        {
            return Open311Answer.Error(f, StatusCodes.Status404NotFound, $"service_code {serviceCode} was not found in jurisdiction {county}");
        }
        var grids = await GridChoices(county, grains, cache);
        var attribute = new Open311Attribute(true, GridCodeAttribute, "singlevaluelist", false,
            "网格编码: the 15-digit code of a grid (网格) of this county",
            1,
            "The grid (网格) to report in. Needed only without lat/long: with them, the grid whose boundary contains the point is used.",
            grids);
        return Open311Answer.Object(f, new Open311ServiceDefinition(serviceCode, [attribute]), "service_definition");
    }

    /// <summary>The county's grids as list values ("高河镇 董屋村 董屋网格"), cached for a minute: the tree is read from every unit.</summary>
    private static async Task<IReadOnlyList<Open311AttributeValue>> GridChoices(CountyCode county, IGrainFactory grains, IMemoryCache cache) =>
        await cache.GetOrCreateAsync($"open311:grids:{county}", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1);
            var tree = await grains.GetCounty(county).GetSubtree();
            var values = new List<Open311AttributeValue>();
            void Walk(UnitTreeNode node, string path)
            {
                var name = node.Level == UnitLevel.County ? "" : (path.Length == 0 ? node.Name : $"{path} {node.Name}");
                if (node.Level == UnitLevel.Grid)
                {
                    values.Add(new Open311AttributeValue(node.Code, name));
                }
                foreach (var child in node.Children)
                {
                    Walk(child, name);
                }
            }
            if (tree is not null)
            {
                Walk(tree, "");
            }
            return (IReadOnlyList<Open311AttributeValue>)values;
        }) ?? [];

    // ---- Posting a request --------------------------------------------------------------------------------

    private static async Task<IResult> PostRequest(
        string format, HttpContext http, IGrainFactory grains, ApiKeyVerifier keys, GridLocator locator)
    {
        if (!Open311Answer.TryParse(format, out var f))
        {
            return UnknownFormat(format);
        }
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        // Fields come as the spec says, in the form; some clients put them in the query string, which is read too.
        string? Field(string name)
        {
            var value = form is not null && form.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString()
                : http.Request.Query.TryGetValue(name, out var q) && !string.IsNullOrWhiteSpace(q.ToString()) ? q.ToString()
                : null;
            return value?.Trim();
        }

        var secret = Field("api_key");
        if (secret is null)
        {
            return Open311Answer.Error(f, StatusCodes.Status403Forbidden, "api_key is required to post a request: a key with the reporter role");
        }
        var key = (await keys.Verify(secret))?.Info;
        if (key is null)
        {
            return Open311Answer.Error(f, StatusCodes.Status403Forbidden, "api_key is not a valid key, or it was revoked");
        }
        if (!key.Roles.Contains(Roles.Reporter))
        {
            return Open311Answer.Error(f, StatusCodes.Status403Forbidden, "api_key does not have the reporter role, which posting a request needs");
        }
        var (county, refused) = await Jurisdiction(f, Field("jurisdiction_id"), grains);
        if (refused is not null)
        {
            return refused;
        }
        var serviceCode = Field("service_code");
        if (serviceCode is null)
        {
            return Open311Answer.Error(f, StatusCodes.Status400BadRequest, "service_code is required: see GET /services");
        }
        var category = await grains.GetGrain<ICategoryCatalogGrain>(county.ToString()).Get(serviceCode);
        if (category is null)
        {
            return Open311Answer.Error(f, StatusCodes.Status404NotFound, $"service_code {serviceCode} was not found in jurisdiction {county}");
        }

        // Everything the caller sent is checked before anything is routed or stored.
        var problems = new List<string>();
        var lat = Number(Field("lat"), "lat", problems);
        var lon = Number(Field("long"), "long", problems);
        if (lat is null != lon is null && problems.Count == 0)
        {
            problems.Add($"{(lat is null ? "lat" : "long")} is required with {(lat is null ? "long" : "lat")}: they come together");
        }
        var address = Field("address_string");
        var addressId = Field("address_id");
        var gridText = Field($"attribute[{GridCodeAttribute}]");
        var mediaUrl = Field("media_url");
        if (mediaUrl is not null && (mediaUrl.Length > 2000 || !Uri.TryCreate(mediaUrl, UriKind.Absolute, out var media) || media.Scheme is not ("http" or "https")))
        {
            problems.Add("media_url must be an absolute http or https URL of at most 2000 characters");
            mediaUrl = null; // said once, in Open311's words, not again as the attachment's url
        }
        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > IssuesApi.MaxIdempotencyKey || idempotencyKey.Any(char.IsControl))
        {
            problems.Add($"Idempotency-Key must be at most {IssuesApi.MaxIdempotencyKey} printable characters");
        }
        var description = Field("description");
        var phone = Field("phone");
        var name = ReporterName(Field("first_name"), Field("last_name"));
        // A reporter is kept with a phone to call back; a name alone is not stored (the issue's reporter needs both).
        var reporter = phone is null ? null : new ReporterInput(name ?? "匿名", phone);
        var title = TitleOf(description, category.Name);
        var location = lat is not null || address is not null ? new LocationInput(lat, lon, address) : null;
        // media_url is the reporter's photo (the spec: "a URL to media associated with the request, eg an image"): it becomes
        // the issue's photo attachment, which handlers see through /api/v1; without a hash, as the app never fetched it.
        var attachments = mediaUrl is null ? null : new AttachmentInput?[] { new(nameof(AttachmentKind.Photo), mediaUrl, null, null) };
        var input = new IssueInput(serviceCode, title, description, location, reporter, attachments, Truncate(ReportedByPrefix + key.App, Rules.MaxNameLength));
        var errors = new ValidationErrors();
        var valid = input.Validate(errors);
        problems.AddRange(errors.ToDictionary().Select(e => $"{FieldName(e.Key)} {string.Join(", ", e.Value)}"));
        if (problems.Count > 0 || valid is not { } v)
        {
            return Open311Answer.Error(f, StatusCodes.Status400BadRequest, string.Join("; ", problems.Distinct()));
        }

        // Routing: the location decides; attribute[grid_code] is used without one, or when it lies outside every grid.
        string? grid = null;
        if (lat is { } la && lon is { } lo)
        {
            grid = await locator.Locate(county, la, lo, http.RequestAborted);
            if (grid is null && gridText is null)
            {
                return Open311Answer.Error(f, StatusCodes.Status400BadRequest,
                    $"lat/long ({la.ToString(CultureInfo.InvariantCulture)}, {lo.ToString(CultureInfo.InvariantCulture)}) lies outside every grid of jurisdiction {county}");
            }
        }
        if (grid is null && gridText is not null)
        {
            if (!GridCode.TryParse(gridText, out var named, out var gridError))
            {
                return Open311Answer.Error(f, StatusCodes.Status400BadRequest, $"attribute[{GridCodeAttribute}] {gridText}: {gridError}");
            }
            if (named.Code.County != (UnitCode)county)
            {
                return Open311Answer.Error(f, StatusCodes.Status400BadRequest, $"attribute[{GridCodeAttribute}] {gridText} is not in jurisdiction {county}");
            }
            grid = named.ToString();
        }
        if (grid is null)
        {
            return Open311Answer.Error(f, StatusCodes.Status400BadRequest, address is not null || addressId is not null
                ? $"address_string needs attribute[{GridCodeAttribute}]: addresses are not geocoded here; send lat and long, or a grid from GET /services/{serviceCode}"
                : $"a location is required: lat and long, or address_string with attribute[{GridCodeAttribute}]");
        }
        if (!Jurisdictions.Covers(key.Jurisdiction, grid))
        {
            return Open311Answer.Error(f, StatusCodes.Status403Forbidden, $"this api_key may post requests only in {key.Jurisdiction}; the request falls in grid {grid}");
        }

        var traceParent = Activity.Current is { } activity ? activity.Id : null;
        var request = new NewIssue(grid, v.Category, v.Title, v.Description, v.Location, v.Reporter, v.Attachments, null, input.By, traceParent, new Actor(key.Id, key.App));
        var fingerprint = IssuesApi.Fingerprint(request, idempotencyKey);
        var id = idempotencyKey.Length == 0 ? Guid.CreateVersion7() : IssuesApi.IdFromKey(grid, "open311:" + IdempotencyScope.For(key.Id, idempotencyKey));
        var outcome = await grains.Get<IIssueIntakeGrain>(0).Report(id, request with { Fingerprint = fingerprint });
        switch (outcome.Status)
        {
            case IssueOutcomeStatus.Done:
                break;
            case IssueOutcomeStatus.NotFound:
                return Open311Answer.Error(f, StatusCodes.Status400BadRequest, $"attribute[{GridCodeAttribute}] {grid} is not a registered grid");
            case IssueOutcomeStatus.IdempotencyMismatch:
                return Open311Answer.Error(f, StatusCodes.Status400BadRequest, "Idempotency-Key was already used for a different request; send a new key for a new request");
            default:
                return Open311Answer.Error(f, StatusCodes.Status404NotFound, $"service_code {serviceCode} was not found in jurisdiction {county}");
        }
        var issue = outcome.Issue!;
        if (!outcome.Created)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }
        await grains.GetServiceRequestRegister(county).Record(new ServiceRequestEntry(issue.Id, issue.ReportedAt, issue.Category, mediaUrl));
        var holder = await UnitName(grains, issue.Holder);
        var notice = $"已登记 registered; held by {holder} ({issue.Holder})"
            + (issue.Deadline is { } deadline ? $", to be settled by {W3c(deadline)}" : "");
        http.Response.Headers.Location = $"{Prefix}/requests/{issue.Id}.{format}?jurisdiction_id={county}";
        return Open311Answer.List(f, [new Open311Created(issue.Id.ToString(), notice, null)], "service_requests", "request", StatusCodes.Status201Created);
    }

    private static double? Number(string? text, string field, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            problems.Add($"{field} must be a decimal number (WGS84 degrees)");
            return null;
        }
        return value;
    }

    /// <summary>A Chinese name is written family name first without a space (张 + 三 = 张三); others first name first.</summary>
    private static string? ReporterName(string? first, string? last) => (first, last) switch
    {
        (null, null) => null,
        ({ } only, null) => only,
        (null, { } only) => only,
        ({ } given, { } family) when HanOnly().IsMatch(given + family) => family + given,
        ({ } given, { } family) => $"{given} {family}",
    };

    [GeneratedRegex(@"^\p{IsCJKUnifiedIdeographs}+$")]
    private static partial Regex HanOnly();

    /// <summary>Open311 has no title: the first line of the description (60 characters at most), or the service's name.</summary>
    private static string TitleOf(string? description, string serviceName)
    {
        var line = description?.Split('\n')[0].Trim();
        if (string.IsNullOrEmpty(line))
        {
            return Truncate(serviceName, IssueInput.MaxTitle);
        }
        return line.Length <= 60 ? line : line[..59] + "…";
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    /// <summary>The Open311 name of a field the issue's validation named.</summary>
    private static string FieldName(string field) => field switch
    {
        "category" => "service_code",
        "title" or "description" => "description",
        "location" or "location.lat" => "lat",
        "location.long" => "long",
        "location.address" => "address_string",
        "reporter.name" => "first_name/last_name",
        "reporter.phone" => "phone",
        "attachments[0].url" => "media_url",
        _ => field,
    };

    // ---- Reading requests ---------------------------------------------------------------------------------

    private static async Task<IResult> ConfirmRequest(
        string format, [FromRoute(Name = "service_request_id")] string serviceRequestId, HttpContext http, IGrainFactory grains, ApiKeyVerifier keys)
    {
        if (!Open311Answer.TryParse(format, out var f))
        {
            return UnknownFormat(format);
        }
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        string? Field(string name) =>
            (form is not null && form.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString()
                : http.Request.Query.TryGetValue(name, out var q) && !string.IsNullOrWhiteSpace(q.ToString()) ? q.ToString() : null)?.Trim();

        var key = Field("api_key") is { } secret ? (await keys.Verify(secret))?.Info : null;
        if (key is null || !key.Roles.Contains(Roles.Reporter))
        {
            return Open311Answer.Error(f, StatusCodes.Status403Forbidden, "api_key is required: a valid key with the reporter role");
        }
        var (county, refused) = await Jurisdiction(f, Field("jurisdiction_id"), grains);
        if (refused is not null)
        {
            return refused;
        }
        var settled = Field("settled");
        var errors = new ValidationErrors();
        var input = new ReporterAnswerInput(
            settled is null ? null : bool.TryParse(settled, out var b) ? b : null,
            Field("satisfaction") is { } score ? int.TryParse(score, out var n) ? n : 0 : null,
            Field("comment"));
        var answer = input.Validate(errors);
        if (settled is not null && input.Settled is null)
        {
            errors.Add("settled", "must be true or false");
        }
        if (!errors.IsEmpty || answer is null)
        {
            return Open311Answer.Error(f, StatusCodes.Status400BadRequest, string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key} {string.Join(", ", e.Value)}")));
        }
        var issue = Guid.TryParse(serviceRequestId, out var id) ? await grains.Get<IIssueGrain>(id).Get() : null;
        if (issue is null || issue.County != county.ToString())
        {
            return Open311Answer.Error(f, StatusCodes.Status404NotFound, $"service_request_id {serviceRequestId} was not found in jurisdiction {county}");
        }
        if (!Jurisdictions.Covers(key.Jurisdiction, issue.OriginGrid))
        {
            return Open311Answer.Error(f, StatusCodes.Status403Forbidden, $"this api_key may answer only for requests in {key.Jurisdiction}; this one is in grid {issue.OriginGrid}");
        }
        var outcome = await grains.Get<IIssueGrain>(id).Act(ReporterAnswersApi.Command(answer, $"{ReportedByPrefix}{key.App}", new Actor(key.Id, key.App), null));
        if (outcome.Status != IssueOutcomeStatus.Done)
        {
            return Open311Answer.Error(f, StatusCodes.Status409Conflict,
                $"{outcome.Message ?? "the request cannot be answered now"} (status {IssueLifecycle.StatusName(outcome.Issue?.Status ?? issue.Status)})");
        }
        var media = await grains.GetServiceRequestDay(county, issue.ReportedAt).Get(issue.Id);
        var shown = await new RequestShaper(grains, county).Show([(outcome.Issue!, media?.MediaUrl)]);
        return Open311Answer.List(f, shown, "service_requests", "request");
    }

    private static async Task<IResult> GetRequest(
        string format, [FromRoute(Name = "service_request_id")] string serviceRequestId, [FromQuery(Name = "jurisdiction_id")] string? jurisdictionId,
        IGrainFactory grains)
    {
        if (!Open311Answer.TryParse(format, out var f))
        {
            return UnknownFormat(format);
        }
        var (county, refused) = await Jurisdiction(f, jurisdictionId, grains);
        if (refused is not null)
        {
            return refused;
        }
        var issue = Guid.TryParse(serviceRequestId, out var id) ? await grains.Get<IIssueGrain>(id).Get() : null;
        if (issue is null || issue.County != county.ToString())
        {
            return Open311Answer.Error(f, StatusCodes.Status404NotFound, $"service_request_id {serviceRequestId} was not found in jurisdiction {county}");
        }
        var media = await grains.GetServiceRequestDay(county, issue.ReportedAt).Get(issue.Id);
        var shown = await new RequestShaper(grains, county).Show([(issue, media?.MediaUrl)]);
        return Open311Answer.List(f, shown, "service_requests", "request");
    }

    private static async Task<IResult> GetToken(
        string format, string token, [FromQuery(Name = "jurisdiction_id")] string? jurisdictionId, IGrainFactory grains)
    {
        if (!Open311Answer.TryParse(format, out var f))
        {
            return UnknownFormat(format);
        }
        var (county, refused) = await Jurisdiction(f, jurisdictionId, grains);
        if (refused is not null)
        {
            return refused;
        }
        var issue = Guid.TryParse(token, out var id) ? await grains.Get<IIssueGrain>(id).Get() : null;
        if (issue is null || issue.County != county.ToString())
        {
            return Open311Answer.Error(f, StatusCodes.Status404NotFound, $"token {token} was not found in jurisdiction {county}");
        }
        return Open311Answer.List(f, [new Open311Token(issue.Id.ToString(), token)], "service_requests", "request");
    }

    private static async Task<IResult> ListRequests(
        string format,
        [FromQuery(Name = "jurisdiction_id")] string? jurisdictionId,
        [FromQuery(Name = "service_request_id")] string? serviceRequestId,
        [FromQuery(Name = "service_code")] string? serviceCode,
        [FromQuery(Name = "start_date")] string? startDate,
        [FromQuery(Name = "end_date")] string? endDate,
        [FromQuery(Name = "status")] string? status,
        IGrainFactory grains, Grains.Infrastructure.GridClock clock, IOptionsMonitor<Open311Options> options)
    {
        if (!Open311Answer.TryParse(format, out var f))
        {
            return UnknownFormat(format);
        }
        var (county, refused) = await Jurisdiction(f, jurisdictionId, grains);
        if (refused is not null)
        {
            return refused;
        }
        var shaper = new RequestShaper(grains, county);

        // The spec: service_request_id overrides every other filter.
        if (!string.IsNullOrWhiteSpace(serviceRequestId))
        {
            var ids = List(serviceRequestId);
            if (ids.Count > MaxRequests)
            {
                return Open311Answer.Error(f, StatusCodes.Status400BadRequest, $"service_request_id may name at most {MaxRequests} requests");
            }
            var found = new List<(IssueView, string?)>();
            foreach (var chunk in ids.Select(t => Guid.TryParse(t, out var g) ? g : (Guid?)null).OfType<Guid>().Distinct().Chunk(CallsAtOnce))
            {
                var views = await Task.WhenAll(chunk.Select(id => grains.Get<IIssueGrain>(id).Get()));
                var mine = views.OfType<IssueView>().Where(i => i.County == county.ToString()).ToArray();
                var media = await Task.WhenAll(mine.Select(i => grains.GetServiceRequestDay(county, i.ReportedAt).Get(i.Id)));
                found.AddRange(mine.Zip(media, (i, m) => (i, m?.MediaUrl)));
            }
            return Open311Answer.List(f, await shaper.Show(found), "service_requests", "request");
        }

        var problems = new List<string>();
        var start = Date(startDate, "start_date", problems);
        var end = Date(endDate, "end_date", problems);
        var statuses = status is null ? null : List(status);
        if (statuses?.FirstOrDefault(s => s is not ("open" or "closed")) is { } badStatus)
        {
            problems.Add($"status {badStatus} is not open or closed");
        }
        var window = TimeSpan.FromDays(WindowDays);
        // The clock is read once: two reads a few ticks apart make the default window longer than 90 days.
        var now = clock.GetUtcNow();
        var (from, to) = (start, end) switch
        {
            (null, null) => (now - window, now),
            ({ } s, null) => (s, s + window),
            (null, { } e) => (e - window, e),
            ({ } s, { } e) => (s, e),
        };
        if (problems.Count == 0 && to < from)
        {
            problems.Add("end_date must not be before start_date");
        }
        else if (problems.Count == 0 && to - from > window)
        {
            problems.Add($"start_date and end_date may not span more than {WindowDays} days");
        }
        if (problems.Count > 0)
        {
            return Open311Answer.Error(f, StatusCodes.Status400BadRequest, string.Join("; ", problems));
        }

        var codes = serviceCode is null ? null : List(serviceCode);
        var candidates = await grains.GetServiceRequestRegister(county)
            .Find(new ServiceRequestQuery(from, to, codes), options.CurrentValue.RequestListStaleness);
        var wanted = new List<(IssueView, string?)>();
        // Newest first, reading issues a batch at a time until the limit is met (the status lives in each issue).
        foreach (var chunk in candidates.Chunk(CallsAtOnce))
        {
            var views = await Task.WhenAll(chunk.Select(c => grains.Get<IIssueGrain>(c.IssueId).Get()));
            for (var i = 0; i < chunk.Length && wanted.Count < MaxRequests; i++)
            {
                if (views[i] is { } issue && (statuses is null || statuses.Contains(StatusOf(issue))))
                {
                    wanted.Add((issue, chunk[i].MediaUrl));
                }
            }
            if (wanted.Count >= MaxRequests)
            {
                break;
            }
        }
        return Open311Answer.List(f, await shaper.Show(wanted), "service_requests", "request");
    }

    private static List<string> List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>
    /// A W3C date-time (2026-03-02T09:00:00+08:00 or ...Z). One without a zone, or a bare date, is read in China
    /// time, the time of every county here.
    /// </summary>
    private static DateTimeOffset? Date(string? text, string field, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (ZoneSuffix().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var zoned))
        {
            return zoned;
        }
        if (!ZoneSuffix().IsMatch(text) && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Grains.Stats.StatsCalendar.Offset);
        }
        problems.Add($"{field} must be a W3C date-time such as 2026-03-02T09:00:00+08:00");
        return null;
    }

    [GeneratedRegex(@"(Z|[+-]\d{2}:?\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex ZoneSuffix();

    internal static string StatusOf(IssueView issue) => issue.Status.IsOpen() ? "open" : "closed";

    internal static string W3c(DateTimeOffset at) =>
        at.ToOffset(Grains.Stats.StatsCalendar.Offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    // ---- Shared -------------------------------------------------------------------------------------------

    private static async Task<(CountyCode County, Open311Answer? Refused)> Jurisdiction(Open311Format f, string? jurisdictionId, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(jurisdictionId))
        {
            return (default, Open311Answer.Error(f, StatusCodes.Status400BadRequest, "jurisdiction_id is required: the code of a county (县), such as 340822"));
        }
        if (!CountyCode.TryParse(jurisdictionId, out var county, out var error))
        {
            return (default, Open311Answer.Error(f, StatusCodes.Status400BadRequest, $"jurisdiction_id {jurisdictionId} is not a county code: {error}"));
        }
        if (!await grains.GetCounty(county).IsRegistered())
        {
            return (default, Open311Answer.Error(f, StatusCodes.Status404NotFound, $"jurisdiction_id {county} was not found"));
        }
        return (county, null);
    }

    private static Open311Answer UnknownFormat(string format) =>
        Open311Answer.Error(Open311Format.Json, StatusCodes.Status404NotFound, $"format {format} is not offered: use .json or .xml");

    internal static async Task<string> UnitName(IGrainFactory grains, string code) =>
        (await grains.GetUnit(UnitCode.Parse(code)).Get())?.Details.Name ?? code;
}

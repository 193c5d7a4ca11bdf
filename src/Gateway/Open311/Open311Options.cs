namespace GridActors.Gateway.Open311;

/// <summary>Settings of the Open311 endpoint (section <c>Open311</c>).</summary>
public sealed class Open311Options
{
    /// <summary>How long a county's spatial index of grid boundaries is used before it is rebuilt.</summary>
    public TimeSpan GridIndexLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A point outside every grid rebuilds the county's index when it is older than this, in case a grid was
    /// drawn since (a point inside a grid whose boundary changed is caught at once by the grid's version).
    /// </summary>
    public TimeSpan RebuildOnMissAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How old the register's catch-up with the queues may be when <c>GET /requests</c> lists a county.</summary>
    public TimeSpan RequestListStaleness { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The address clients reach this server at (<c>https://grid.example.gov.cn</c>), for the discovery document's
    /// endpoint URL. Unset, the URL is relative (<c>/open311/v2</c>): it is never made from the request's Host header.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    internal static bool IsBaseUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0 && uri.Fragment.Length == 0;

    /// <summary>The <c>contact</c> of the discovery document.</summary>
    public string Contact { get; set; } = "The county's grid management centre (网格化服务管理中心).";

    /// <summary>The <c>key_service</c> of the discovery document: where an app gets an api_key.</summary>
    public string KeyService { get; set; } = "Ask the county's administrator for an API key with the reporter role (POST /api/v1/keys).";
}

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

    /// <summary>The <c>contact</c> of the discovery document.</summary>
    public string Contact { get; set; } = "The county's grid management centre (网格化服务管理中心).";

    /// <summary>The <c>key_service</c> of the discovery document: where an app gets an api_key.</summary>
    public string KeyService { get; set; } = "Ask the county's administrator for an API key with the reporter role (POST /api/v1/keys).";
}

using GridActors.Grains.Access;

namespace GridActors.Gateway.Access;

/// <summary>
/// Endpoint metadata: who may call an endpoint. <see cref="AccessRules"/> reads it from the endpoint the request matched,
/// never from the path as sent, so a path in another letter case (which routing matches) meets the same rule.
/// </summary>
/// <remarks>
/// Every endpoint of the gateway carries one: the API groups give theirs a default (<see cref="ByMethod"/>), an endpoint
/// that needs another role says so (<see cref="AccessPolicyExtensions.RequireRole{TBuilder}"/>), and the routes that
/// need no key are mapped in a group marked <see cref="Anyone"/>. An endpoint without one is refused to every key but an
/// admin of the whole deployment (fail closed), and a test walks every endpoint to see that none is left without.
/// </remarks>
public sealed class AccessPolicy
{
    /// <summary>No key needed: health, metrics, the OpenAPI document and its pages, Open311 and the public boards.</summary>
    public static readonly AccessPolicy Anyone = new(anonymous: true, read: null, write: null);

    /// <summary>The API's default: every role reads within its jurisdiction; writes need the manager role.</summary>
    public static readonly AccessPolicy ByMethod = new(anonymous: false, read: null, write: Roles.Manager);

    /// <summary>Any role, for reads and writes: a caller's own things (its notification inbox and settings), which touch nobody else's records.</summary>
    public static readonly AccessPolicy AnyRole = new(anonymous: false, read: null, write: null);

    /// <summary>The operator pages (the Orleans dashboard): they show the whole cluster, so only an admin of the whole deployment.</summary>
    public static readonly AccessPolicy Operators = new(anonymous: false, read: Roles.Admin, write: Roles.Admin, wholeDeployment: true);

    /// <summary>For an endpoint found without a policy: nobody but an admin whose jurisdiction is the whole deployment.</summary>
    internal static readonly AccessPolicy Unlisted = new(anonymous: false, read: Roles.Admin, write: Roles.Admin, wholeDeployment: true);

    private static readonly Dictionary<string, AccessPolicy> ForRole =
        Roles.All.ToDictionary(r => r, r => new AccessPolicy(anonymous: false, read: r, write: r), StringComparer.Ordinal);

    private readonly string? _read;
    private readonly string? _write;

    private AccessPolicy(bool anonymous, string? read, string? write, bool wholeDeployment = false)
    {
        Anonymous = anonymous;
        _read = read;
        _write = write;
        WholeDeployment = wholeDeployment;
    }

    /// <summary>Needs no credentials at all.</summary>
    public bool Anonymous { get; }

    /// <summary>Only a caller whose jurisdiction is the whole deployment (the bootstrap admin) may call it.</summary>
    public bool WholeDeployment { get; }

    /// <summary>The one role every method of the endpoint needs.</summary>
    public static AccessPolicy Role(string role) => ForRole[role];

    /// <summary>The role a request with this method needs; null when any role will do.</summary>
    public string? RoleFor(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) ? _read : _write;
}

public static class AccessPolicyExtensions
{
    /// <summary>Every method of the endpoint (or of every endpoint of the group) is open to any role.</summary>
    public static TBuilder AnyRole<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(AccessPolicy.AnyRole);

    /// <summary>Every method of the endpoint (or of every endpoint of the group) needs <paramref name="role"/>.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, string role) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(AccessPolicy.Role(role));

    /// <summary>Sets the policy of every endpoint of the group; an endpoint's own (added later) takes precedence.</summary>
    public static TBuilder WithAccess<TBuilder>(this TBuilder builder, AccessPolicy policy) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(policy);
}

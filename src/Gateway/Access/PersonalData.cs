using GridActors.Gateway.Apis;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Members;

namespace GridActors.Gateway.Access;

/// <summary>An answer that carries personal data of people in a unit (a member's phone, a household's details).</summary>
public interface IPersonalData
{
    /// <summary>The unit the person belongs to; its handlers and managers may see the data.</summary>
    string PersonalDataUnit { get; }

    /// <summary>What an unmasked read shows, for the audit log.</summary>
    string PersonalDataWhat { get; }

    /// <summary>The same answer with the personal data masked.</summary>
    IPersonalData Masked();
}

/// <summary>
/// Applied to the Party endpoints: masks personal data for callers who may not see it and records every unmasked
/// read in the audit log, whatever the handler returned (one item or a list).
/// </summary>
public sealed class PersonalDataFilter(IGrainFactory grains, GridClock clock) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        var inner = result is INestedHttpResult nested ? nested.Result : result as IResult;
        switch (inner)
        {
            case IValueHttpResult { Value: IPersonalData item }:
                var shown = await Show(http, item);
                return inner is IStatusCodeHttpResult { StatusCode: 201 } && inner.GetType().GetProperty("Location")?.GetValue(inner) is string location
                    ? TypedResults.Created(location, shown)
                    : TypedResults.Ok(shown);
            case IValueHttpResult { Value: ListResponse<MemberResponse> members }:
                return TypedResults.Ok(members with { Items = await ShowAll(http, members.Items) });
            case IValueHttpResult { Value: ListResponse<HouseholdResponse> households }:
                return TypedResults.Ok(households with { Items = await ShowAll(http, households.Items) });
            default:
                return result;
        }
    }

    private async Task<T[]> ShowAll<T>(HttpContext http, IReadOnlyList<T> items) where T : IPersonalData
    {
        var caller = http.Caller();
        var shown = new T[items.Count];
        var reads = new List<(string What, string Unit)>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (caller.MaySeePersonalData(item.PersonalDataUnit))
            {
                shown[i] = item;
                reads.Add((item.PersonalDataWhat, item.PersonalDataUnit));
            }
            else
            {
                shown[i] = (T)item.Masked();
            }
        }
        // A page's reads in one append: stored in one transaction, where an append per item waited for a commit each.
        await AuditLog.RecordAll(grains, http, clock.GetUtcNow(), reads);
        return shown;
    }

    private async Task<IPersonalData> Show(HttpContext http, IPersonalData item)
    {
        if (!http.Caller().MaySeePersonalData(item.PersonalDataUnit))
        {
            return item.Masked();
        }
        await AuditLog.Record(grains, http, clock.GetUtcNow(), item.PersonalDataWhat, item.PersonalDataUnit);
        return item;
    }
}

/// <summary>
/// Endpoints keyed by a member id: the member's grid decides the jurisdiction (404 to read outside it, 403 to write),
/// as the <c>{code}</c> in other paths does.
/// </summary>
public sealed class MemberJurisdictionFilter(IGrainFactory grains) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Request.RouteValues.TryGetValue("id", out var value) && Guid.TryParse(value as string, out var id)
            && await grains.GetMember(id).Get() is { } member && !http.Caller().Covers(member.Details.Grid))
        {
            return HttpMethods.IsGet(http.Request.Method)
                ? Problems.NotFound($"No member {id} exists.")
                : TypedResults.Problem(title: "Forbidden", detail: "The member belongs to a grid outside this key's jurisdiction.",
                    statusCode: StatusCodes.Status403Forbidden, type: "https://gridactors.org/problems/403");
        }
        return await next(context);
    }
}

using System.Collections.Concurrent;
using System.Reflection;
using GridActors.Gateway.Apis;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Members;

namespace GridActors.Gateway.Access;

/// <summary>
/// An answer that carries personal data (个人信息) of people in a unit: a member's phone and birth date, a household's
/// head, address, phone, needs note and vulnerability, an issue's reporter. Data nested in it (the households a Party
/// member home serves) is masked by <see cref="Masked"/> with it.
/// </summary>
public interface IPersonalData
{
    /// <summary>The unit the person belongs to: the audit log files an unmasked read under it.</summary>
    string PersonalDataUnit { get; }

    /// <summary>The units whose handlers and managers may see the data: by default the person's own unit.</summary>
    IEnumerable<string> PersonalDataReaders => [PersonalDataUnit];

    /// <summary>What an unmasked read shows, for the audit log; null when this answer happens to carry none (an issue without a reporter).</summary>
    string? PersonalDataWhat { get; }

    /// <summary>The same answer with the personal data masked (<c>张*</c>, <c>138****0000</c>, <c>***</c>).</summary>
    IPersonalData Masked();
}

/// <summary>The one rule for showing personal data: masked unless the caller handles or manages its unit, and every unmasked read audited.</summary>
public static class PersonalData
{
    public const string Hidden = "***";

    /// <summary>
    /// <paramref name="item"/> as this caller may see it. Handlers and managers whose jurisdiction covers one of its
    /// units see it whole and the read is written to the audit log; every other caller (readers, reporters, admins
    /// without those roles, keys of other units) sees it masked.
    /// </summary>
    public static async Task<T> Show<T>(HttpContext http, IGrainFactory grains, DateTimeOffset now, T item) where T : IPersonalData
    {
        if (item.PersonalDataWhat is not { } what)
        {
            return item;
        }
        var caller = http.Caller();
        if (!item.PersonalDataReaders.Any(caller.MaySeePersonalData))
        {
            return (T)item.Masked();
        }
        await AuditLog.Record(grains, http, now, what, item.PersonalDataUnit);
        return item;
    }

    /// <summary>A birth date without month and day (<c>1968-**-**</c>): the age group stays readable for statistics.</summary>
    public static string MaskDate(string date) => date.Length >= 4 ? $"{date[..4]}-**-**" : Hidden;
}

/// <summary>
/// Applied to the endpoint groups whose answers carry personal data: shows every such answer through
/// <see cref="PersonalData.Show"/>, whatever the handler returned (one item, created or not, or a page of items).
/// </summary>
public sealed class PersonalDataFilter(IGrainFactory grains, GridClock clock) : IEndpointFilter
{
    private delegate Task<object> PageShower(HttpContext http, IGrainFactory grains, DateTimeOffset now, object page);

    /// <summary>Per answer type: how to show a page of personal items, or null when the type is no such page. Built once per type.</summary>
    private static readonly ConcurrentDictionary<Type, PageShower?> Pages = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        var inner = result is INestedHttpResult nested ? nested.Result : result as IResult;
        if (inner is not IValueHttpResult { Value: { } value })
        {
            return result;
        }
        object shown;
        if (value is IPersonalData item)
        {
            shown = await PersonalData.Show(http, grains, clock.GetUtcNow(), item);
        }
        else if (Pages.GetOrAdd(value.GetType(), PageOf) is { } page)
        {
            shown = await page(http, grains, clock.GetUtcNow(), value);
        }
        else
        {
            return result;
        }
        return inner is IStatusCodeHttpResult { StatusCode: 201 } && inner.GetType().GetProperty("Location")?.GetValue(inner) is string location
            ? TypedResults.Created(location, shown)
            : TypedResults.Ok(shown);
    }

    private static PageShower? PageOf(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ListResponse<>) && typeof(IPersonalData).IsAssignableFrom(type.GenericTypeArguments[0])
            ? typeof(PersonalDataFilter).GetMethod(nameof(ShowPage), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(type.GenericTypeArguments[0]).CreateDelegate<PageShower>()
            : null;

    private static async Task<object> ShowPage<T>(HttpContext http, IGrainFactory grains, DateTimeOffset now, object page) where T : IPersonalData
    {
        var list = (ListResponse<T>)page;
        var caller = http.Caller();
        var shown = new T[list.Items.Count];
        var reads = new List<(string What, string Unit)>();
        for (var i = 0; i < shown.Length; i++)
        {
            var item = list.Items[i];
            if (item.PersonalDataWhat is not { } what)
            {
                shown[i] = item;
            }
            else if (!item.PersonalDataReaders.Any(caller.MaySeePersonalData))
            {
                shown[i] = (T)item.Masked();
            }
            else
            {
                shown[i] = item;
                reads.Add((what, item.PersonalDataUnit));
            }
        }
        // A page's reads in one append: stored in one transaction, where an append per item waited for a commit each.
        await AuditLog.RecordAll(grains, http, now, reads);
        return list with { Items = shown };
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
                    statusCode: StatusCodes.Status403Forbidden, type: ProblemTypes.Forbidden);
        }
        return await next(context);
    }
}

using System.Globalization;
using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Access;
using GridActors.Grains.Audit;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridActors.Gateway.Apis;

/// <summary>The audit log of personal-data reads (个人信息查阅记录); admin only, and only within the admin's jurisdiction.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/audit", ReadAudit).WithTags("Audit").RequireRole(Roles.Admin)
            .WithName("ReadAudit")
            .WithSummary("Read the audit log of personal-data reads")
            .WithDescription("个人信息查阅记录: every read of a reporter's, household's or member's personal data, per county and day (China time), oldest first; "
                + "paged by cursor (the last entry's id). An admin whose jurisdiction covers the county reads all of it; one whose jurisdiction lies inside "
                + "the county (a township, a village) reads the entries of its own units; the county of another jurisdiction is 404.");
        return endpoints;
    }

    private static async Task<Results<Ok<ListResponse<AuditEntry>>, ValidationProblem, ProblemHttpResult>> ReadAudit(
        string? county, string? date, string? cursor, int? limit, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var (_, take) = PartyApiSupport.Paging(null, limit, errors);
        long after = 0;
        if (cursor is not null && !long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            errors.Add("cursor", "must be a nextCursor value from a previous page");
        }
        if (!CountyCode.TryParse(county, out var code, out var error))
        {
            errors.Add("county", error);
        }
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            errors.Add("date", "is required: a date YYYY-MM-DD (China time)");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (Scope(http.Caller(), code.ToString()) is not { } scope)
        {
            // As for any unit outside the jurisdiction: the answer does not tell whether the county exists.
            return Problems.NotFound($"No unit {code} is registered.");
        }
        var page = await grains.GetAuditLog().Read(new AuditQuery(day, scope, after, take));
        var next = page.More ? page.Entries[^1].Id.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new ListResponse<AuditEntry>(page.Entries, next, page.Total));
    }

    /// <summary>
    /// The part of the county's log the caller may read: the whole county when its jurisdiction covers the county; the
    /// entries of its own units when its jurisdiction lies inside the county (a village admin reads its village's); none
    /// for another county.
    /// </summary>
    internal static string? Scope(Caller caller, string county) =>
        caller.Covers(county) ? county
        : caller.Jurisdiction.StartsWith(county, StringComparison.Ordinal) ? caller.Jurisdiction
        : null;
}

/// <summary>Recording reads of personal data in the audit log; the read is answered only once its entry is stored.</summary>
public static class AuditLog
{
    public static Task Record(IGrainFactory grains, HttpContext http, DateTimeOffset now, string what, string unit) =>
        RecordAll(grains, http, now, [(what, unit)]);

    /// <summary>Several reads of one answer (a list of members or households) in one append.</summary>
    public static Task RecordAll(IGrainFactory grains, HttpContext http, DateTimeOffset now, IReadOnlyList<(string What, string Unit)> reads)
    {
        if (reads.Count == 0)
        {
            return Task.CompletedTask;
        }
        var caller = http.Caller();
        return grains.GetAuditLog().Append(reads.Select(r => new AuditRead(now, caller.Id, caller.App, r.What, r.Unit)).ToArray());
    }
}

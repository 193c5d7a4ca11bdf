using GridActors.Grains.Categories;
using GridActors.Grains.Issues;
using GridActors.Grains.Units;

namespace GridActors.Gateway.Open311;

/// <summary>
/// Shows issues as Open311 service requests: open or closed, with status notes, the unit holding it
/// (agency_responsible, 责任单位), the deadline there (expected_datetime) and the last history entry
/// (updated_datetime). Open311 reads are public (no key, any county's request by id), so an answer holds only what
/// may be published, field by field as docs/open311.md says:
/// <list type="bullet">
/// <item>never the reporter (name, phone; email, device_id and account_id are not even stored);</item>
/// <item>never a handler's note: status_notes says the state in the programme's own words, while notes are written for
/// colleagues and name residents, households and neighbours;</item>
/// <item>description, address, lat/long and media_url only of a request posted through Open311, whose reporter sent
/// them to this public interface. An issue reported any other way (the 12345 hotline typed in by staff, a grid worker,
/// a Party member through /api/v1) was told to the county, not published: its free text and its location (often a
/// home) stay private, and only the county's handling of it is shown.</item>
/// </list>
/// Category and unit names are read once per answer.
/// </summary>
internal sealed class RequestShaper(IGrainFactory grains, CountyCode county)
{
    private readonly Dictionary<string, Task<string>> _units = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, string>? _services;

    public async Task<IReadOnlyList<Open311Request>> Show(IReadOnlyList<(IssueView Issue, string? MediaUrl)> issues)
    {
        _services ??= (await grains.GetGrain<ICategoryCatalogGrain>(county.ToString()).List()).ToDictionary(c => c.Code, c => c.Name, StringComparer.Ordinal);
        foreach (var holder in issues.Select(i => i.Issue.Holder).Distinct())
        {
            if (!_units.ContainsKey(holder))
            {
                _units[holder] = Open311Api.UnitName(grains, holder);
            }
        }
        await Task.WhenAll(_units.Values);
        return issues.Select(i => Shape(i.Issue, i.MediaUrl)).ToArray();
    }

    private Open311Request Shape(IssueView issue, string? mediaUrl)
    {
        var holder = $"{_units[issue.Holder].Result} ({issue.Holder})";
        var updated = issue.History.Count > 0 ? issue.History[^1].At : issue.UpdatedAt;
        var published = PostedThroughOpen311(issue);
        return new Open311Request(
            issue.Id.ToString(),
            Open311Api.StatusOf(issue),
            Notes(issue),
            _services!.GetValueOrDefault(issue.Category),
            issue.Category,
            published ? issue.Description ?? issue.Title : null,
            holder,
            null,
            Open311Api.W3c(issue.ReportedAt),
            Open311Api.W3c(updated),
            issue.Deadline is { } deadline ? Open311Api.W3c(deadline) : null,
            published ? issue.Location?.Address : null,
            null,
            null,
            published ? issue.Location?.Lat : null,
            published ? issue.Location?.Long : null,
            published ? mediaUrl : null);
    }

    /// <summary>Whether the issue's reporter sent it through Open311 (its first history entry names the Open311 app).</summary>
    internal static bool PostedThroughOpen311(IssueView issue) =>
        issue.History.Count > 0 && issue.History[0].By is { } by && by.StartsWith(Open311Api.ReportedByPrefix, StringComparison.Ordinal);

    /// <summary>What the detailed state says, in the words of the programme with an English gloss; never a handler's note.</summary>
    internal static string Notes(IssueView issue)
    {
        var level = issue.HolderLevel.Name();
        var last = issue.History.Count > 0 ? issue.History[^1] : null;
        return issue.Status switch
        {
            IssueStatus.Reported when last?.Reason is { } reason =>
                $"已上报 escalated to the {level} ({Reason(reason)}), waiting to be accepted",
            IssueStatus.Reported when last?.From == IssueStatus.HandedDown =>
                $"已交办 handed down to the {level}, waiting to be accepted",
            IssueStatus.Reported => $"待受理 reported, waiting to be accepted at the {level}",
            IssueStatus.Accepted => $"已受理 accepted at the {level}",
            IssueStatus.InProgress => $"办理中 in progress at the {level}",
            IssueStatus.Reopened => $"重新办理 reopened at the {level}",
            IssueStatus.Resolved => $"已办结 resolved at the {(issue.ResolutionLevel ?? issue.HolderLevel).Name()}",
            IssueStatus.Closed => $"已办结 resolved at the {(issue.ResolutionLevel ?? issue.HolderLevel).Name()} and closed",
            IssueStatus.Rejected => $"不予受理 rejected at the {level}",
            IssueStatus.Duplicate => $"重复件 duplicate of request {issue.DuplicateOf}",
            _ => IssueLifecycle.StatusName(issue.Status),
        };
    }

    private static string Reason(EscalationReason reason) => reason switch
    {
        EscalationReason.Deadline => "deadline passed",
        EscalationReason.Rule => "its category starts there",
        _ => "sent up",
    };
}

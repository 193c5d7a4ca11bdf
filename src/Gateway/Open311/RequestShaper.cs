using GridActors.Grains.Categories;
using GridActors.Grains.Issues;
using GridActors.Grains.Units;

namespace GridActors.Gateway.Open311;

/// <summary>
/// Shows issues as Open311 service requests: open or closed, with status notes, the unit holding it
/// (agency_responsible, 责任单位), the deadline there (expected_datetime) and the last history entry
/// (updated_datetime). Never the reporter: Open311 reads are public, so no personal data is shown to anyone.
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
        return new Open311Request(
            issue.Id.ToString(),
            Open311Api.StatusOf(issue),
            Notes(issue),
            _services!.GetValueOrDefault(issue.Category),
            issue.Category,
            issue.Description ?? issue.Title,
            holder,
            null,
            Open311Api.W3c(issue.ReportedAt),
            Open311Api.W3c(updated),
            issue.Deadline is { } deadline ? Open311Api.W3c(deadline) : null,
            issue.Location?.Address,
            null,
            null,
            issue.Location?.Lat,
            issue.Location?.Long,
            mediaUrl);
    }

    /// <summary>What the detailed state says, in the words of the programme with an English gloss.</summary>
    internal static string Notes(IssueView issue)
    {
        var level = issue.HolderLevel.Name();
        var last = issue.History.Count > 0 ? issue.History[^1] : null;
        var note = last?.Note is { Length: > 0 } n ? $": {n}" : "";
        return issue.Status switch
        {
            IssueStatus.Reported when last?.Reason is { } reason =>
                $"已上报 escalated to the {level} ({Reason(reason)}), waiting to be accepted",
            IssueStatus.Reported when last?.From == IssueStatus.HandedDown =>
                $"已交办 handed down to the {level}, waiting to be accepted{note}",
            IssueStatus.Reported => $"待受理 reported, waiting to be accepted at the {level}",
            IssueStatus.Accepted => $"已受理 accepted at the {level}",
            IssueStatus.InProgress => $"办理中 in progress at the {level}",
            IssueStatus.Reopened => $"重新办理 reopened at the {level}{note}",
            IssueStatus.Resolved => $"已办结 resolved at the {(issue.ResolutionLevel ?? issue.HolderLevel).Name()}{note}",
            IssueStatus.Closed => $"已办结 resolved at the {(issue.ResolutionLevel ?? issue.HolderLevel).Name()} and closed{ResolutionNote(issue)}",
            IssueStatus.Rejected => $"不予受理 rejected at the {level}{note}",
            IssueStatus.Duplicate => $"重复件 duplicate of request {issue.DuplicateOf}",
            _ => IssueLifecycle.StatusName(issue.Status),
        };
    }

    private static string ResolutionNote(IssueView issue) =>
        issue.History.LastOrDefault(h => h.To == IssueStatus.Resolved)?.Note is { Length: > 0 } note ? $": {note}" : "";

    private static string Reason(EscalationReason reason) => reason switch
    {
        EscalationReason.Deadline => "deadline passed",
        EscalationReason.Rule => "its category starts there",
        _ => "sent up",
    };
}

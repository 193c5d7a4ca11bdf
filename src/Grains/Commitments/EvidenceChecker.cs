using GridActors.Grains.Households;
using GridActors.Grains.Issues;
using GridActors.Grains.Members;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyTasks;
using GridActors.Grains.Stars;

namespace GridActors.Grains.Commitments;

/// <summary>
/// Checks a link before it becomes evidence: the record exists, belongs to the owner (the group's grid, or the member)
/// and is done. What it found is kept with the progress record, so the rating reads it without asking again.
/// </summary>
internal sealed class EvidenceChecker(IGrainFactory grains, StarSubjectKind owner, string ownerId, string grid)
{
    private bool IsGroup => owner == StarSubjectKind.Group;

    public async Task<(LinkedEvidence? Linked, string? Rule)> Check(EvidenceLink link)
    {
        switch (link.Kind)
        {
            case EvidenceLinkKind.Issue:
            {
                var issue = await grains.GetGrain<IIssueGrain>(link.Id).Get();
                if (issue is null)
                {
                    return (null, $"no issue {link.Id} exists");
                }
                if (issue.Status is not (IssueStatus.Resolved or IssueStatus.Closed))
                {
                    return (null, $"issue {link.Id} is {issue.Status}: only a resolved or closed issue is evidence");
                }
                var mine = IsGroup ? issue.OriginGrid == grid : Guid.TryParse(issue.AssignedMember, out var m) && m.ToString() == ownerId;
                if (!mine)
                {
                    return (null, IsGroup ? $"issue {link.Id} was not reported in grid {grid}" : $"issue {link.Id} was not handled by this member");
                }
                var day = issue.ResolvedAt is { } at ? PartyNetwork.PartyCalendar.Today(at) : (DateOnly?)null;
                return (new LinkedEvidence(link.Kind, link.Id, issue.OriginGrid, day,
                    $"issue \"{issue.Title}\" {issue.Status} at {issue.ResolutionLevel}" + (issue.Satisfaction is { } s ? $", satisfaction {s}" : ""), issue.Satisfaction), null);
            }
            case EvidenceLinkKind.Activity:
            {
                var activity = (await grains.GetPartyGroup(grid).Activities(null))?.FirstOrDefault(a => a.Id == link.Id);
                if (activity is null)
                {
                    return (null, $"no activity {link.Id} of the Party group of grid {grid} exists");
                }
                if (!IsGroup && !activity.Attendees.Any(a => a.ToString() == ownerId))
                {
                    return (null, $"the member did not attend activity {link.Id}");
                }
                return (new LinkedEvidence(link.Kind, link.Id, grid, activity.Date, $"activity {activity.Kind} \"{activity.Topic}\", {activity.Attendees.Count} attended", null), null);
            }
            case EvidenceLinkKind.PairingVisit:
            {
                var where = link.Grid ?? grid;
                if (!Units.GridCode.TryParse(where, out _, out _))
                {
                    return (null, "grid must be a 15-digit grid code");
                }
                var pairings = await grains.GetGrain<IGridHouseholdsGrain>(where).Pairings(null);
                var found = pairings.SelectMany(p => p.Visits.Select(v => (Pairing: p, Visit: v))).FirstOrDefault(x => x.Visit.Id == link.Id);
                if (found.Visit is null)
                {
                    return (null, $"no pairing visit {link.Id} is logged in grid {where}");
                }
                if (!IsGroup && found.Pairing.MemberId.ToString() != ownerId)
                {
                    return (null, $"visit {link.Id} is on another member's pairing");
                }
                return (new LinkedEvidence(link.Kind, link.Id, where, found.Visit.Date, $"pairing visit by {found.Pairing.MemberName}", null), null);
            }
            case EvidenceLinkKind.PostWork:
            {
                var members = IsGroup ? (await grains.GetPartyGroup(grid).Roster()).Select(r => r.MemberId).ToArray() : [Guid.Parse(ownerId)];
                foreach (var member in members)
                {
                    var entry = (await grains.GetMember(member).ListPostWork(null))?.FirstOrDefault(e => e.Id == link.Id);
                    if (entry is not null)
                    {
                        return (new LinkedEvidence(link.Kind, link.Id, entry.Grid, entry.Date, $"post work {entry.Kind} ({entry.Post}): {entry.Summary}", null), null);
                    }
                }
                return (null, IsGroup ? $"no post work {link.Id} of a member of the group exists" : $"no post work {link.Id} of this member exists");
            }
            default:
            {
                var task = await grains.GetGrain<IPartyTaskGrain>(link.Id).Get();
                var share = task?.Groups.FirstOrDefault(g => g.Grid == grid);
                if (task is null || share is null)
                {
                    return (null, $"no task {link.Id} was handed to the Party group of grid {grid}");
                }
                var done = IsGroup ? share.Status == PartyTaskStatus.Done : share.Parts.Any(p => p.MemberId.ToString() == ownerId && p.Done);
                if (!done)
                {
                    return (null, IsGroup ? $"the group's share of task {link.Id} is not done" : $"the member's part of task {link.Id} is not done");
                }
                return (new LinkedEvidence(link.Kind, link.Id, grid, task.Due, $"task \"{task.Title}\" done", null), null);
            }
        }
    }
}

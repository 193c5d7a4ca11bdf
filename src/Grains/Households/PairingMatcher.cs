using GridActors.Grains.Vocabulary;
using GridActors.Grains.Members;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;

namespace GridActors.Grains.Households;

/// <summary>A member suggested for a household, with the reasons.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.SuggestedMember")]
public sealed record SuggestedMember(
    Guid MemberId,
    string Name,
    string Grid,
    bool SameGrid,
    IReadOnlyList<string> MatchedNeeds,
    int HoursPerMonth,
    int Load,
    int Cap,
    int Score,
    IReadOnlyList<string> Reasons);

/// <summary>The suggestions for one household: best first; <see cref="NoCandidate"/> says why there are none.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.HouseholdSuggestion")]
public sealed record HouseholdSuggestion(
    Guid HouseholdId,
    string Head,
    bool Vulnerable,
    IReadOnlyList<string> Needs,
    IReadOnlyList<string> UnmetNeeds,
    IReadOnlyList<SuggestedMember> Candidates,
    string? NoCandidate);

/// <summary>A member of the village as the matcher sees it: its roster entry and grid.</summary>
public sealed record PoolMember(RosterEntry Entry, string Grid);

/// <summary>
/// Matches households' unmet needs against member cards (联系帮扶). Plain code, tested without a silo.
/// <list type="bullet">
/// <item>A need matches a member when the same tag is among its technical skills or the services it offers.</item>
/// <item>Only members present in the village can visit: migrants (外出务工) are left out, and so are members who
/// offer no hours a month and members already at the load cap.</item>
/// <item>Members of the household's own grid are preferred (a bonus larger than hours or spare capacity, smaller
/// than one more matched need); members of the village's other grids are suggested too, ranked lower.</item>
/// <item>The cap holds within one answer as well: vulnerable households are served first, and a member is the
/// first choice of no more households than its spare capacity.</item>
/// </list>
/// </summary>
public static class PairingMatcher
{
    /// <summary>The most households one member pairs with (每名党员联系 5 户以内).</summary>
    public const int Cap = 5;

    private const int PerNeed = 10;
    private const int SameGridBonus = 6;

    public static IReadOnlyList<HouseholdSuggestion> Suggest(
        string grid, IReadOnlyList<Household> households, IReadOnlyList<Pairing> activePairings, IReadOnlyList<PoolMember> pool, int limit, int cap = Cap)
    {
        var projected = pool.ToDictionary(m => m.Entry.MemberId, m => m.Entry.PairingLoad);
        var work = households
            .Select(h =>
            {
                var pairings = activePairings.Where(p => p.HouseholdId == h.Id).ToArray();
                var met = pairings.SelectMany(p => p.Needs).Select(ServiceTags.MatchKey).ToHashSet(StringComparer.Ordinal);
                var unmet = h.Details.Needs.Where(n => !met.Contains(ServiceTags.MatchKey(n))).ToArray();
                return (Household: h, Unmet: unmet, Paired: pairings.Select(p => p.MemberId).ToHashSet());
            })
            .Where(w => w.Unmet.Length > 0)
            .Select(w => (w.Household, w.Unmet, w.Paired, Matching: pool.Count(m => Matched(m.Entry, w.Unmet).Count > 0)))
            .OrderByDescending(w => w.Household.Details.Vulnerable)
            .ThenBy(w => w.Matching)
            .ThenBy(w => w.Household.Details.Head, StringComparer.Ordinal)
            .ThenBy(w => w.Household.Id)
            .ToArray();

        var result = new List<HouseholdSuggestion>();
        foreach (var (household, unmet, paired, _) in work)
        {
            var candidates = new List<SuggestedMember>();
            int away = 0, noHours = 0, full = 0;
            foreach (var member in pool)
            {
                var e = member.Entry;
                var matched = Matched(e, unmet);
                if (matched.Count == 0 || paired.Contains(e.MemberId))
                {
                    continue;
                }
                if (e.Status == MemberStatus.Migrant)
                {
                    away++;
                    continue;
                }
                if (e.HoursPerMonth <= 0)
                {
                    noHours++;
                    continue;
                }
                var load = projected[e.MemberId];
                if (load >= cap)
                {
                    full++;
                    continue;
                }
                var sameGrid = member.Grid == grid;
                var score = PerNeed * matched.Count + (sameGrid ? SameGridBonus : 0) + Math.Min(e.HoursPerMonth, 20) / 4 + (cap - load);
                candidates.Add(new SuggestedMember(e.MemberId, e.Name, member.Grid, sameGrid, matched.Select(m => m.Need).ToArray(), e.HoursPerMonth,
                    e.PairingLoad, cap, score, Reasons(e, member.Grid, sameGrid, matched, e.PairingLoad, cap)));
            }
            var ranked = candidates
                .OrderByDescending(c => c.Score)
                .ThenBy(c => c.Name, StringComparer.Ordinal)
                .ThenBy(c => c.MemberId)
                .Take(limit)
                .ToArray();
            if (ranked.Length > 0)
            {
                projected[ranked[0].MemberId]++;
            }
            result.Add(new HouseholdSuggestion(household.Id, household.Details.Head, household.Details.Vulnerable, household.Details.Needs, unmet, ranked,
                ranked.Length > 0 ? null : NoCandidate(unmet, away, noHours, full, cap)));
        }
        return result;
    }

    private static List<(string Need, bool Skill, bool Service)> Matched(RosterEntry e, IReadOnlyList<string> needs)
    {
        var skills = e.Skills.Select(ServiceTags.MatchKey).ToHashSet(StringComparer.Ordinal);
        var services = e.ServicesOffered.Select(ServiceTags.MatchKey).ToHashSet(StringComparer.Ordinal);
        return needs
            .Select(n => (Need: n, Skill: skills.Contains(ServiceTags.MatchKey(n)), Service: services.Contains(ServiceTags.MatchKey(n))))
            .Where(m => m.Skill || m.Service)
            .ToList();
    }

    private static string[] Reasons(RosterEntry e, string grid, bool sameGrid, List<(string Need, bool Skill, bool Service)> matched, int load, int cap)
    {
        var reasons = matched.Select(m => $"matches need {ServiceTags.Label(m.Need)}: " + (m.Skill && m.Service
            ? "a technical skill (技术特长) and a service offered (服务意愿)"
            : m.Skill ? "a technical skill (技术特长)" : "a service offered (服务意愿)")).ToList();
        reasons.Add(sameGrid ? "lives in the household's grid (同网格), preferred" : $"lives in grid {grid} of the same village (同村), ranked after members of the household's grid");
        reasons.Add($"present in the village ({EnumNames.Name(e.Status)})");
        reasons.Add($"offers {e.HoursPerMonth} hours a month");
        reasons.Add($"pairs with {load} of at most {cap} households");
        return reasons.ToArray();
    }

    private static string NoCandidate(IReadOnlyList<string> unmet, int away, int noHours, int full, int cap)
    {
        var needs = string.Join(", ", unmet.Select(ServiceTags.Label));
        var why = new List<string>();
        if (away > 0)
        {
            why.Add($"{away} matching member(s) away from the village (migrant)");
        }
        if (noHours > 0)
        {
            why.Add($"{noHours} offering no hours");
        }
        if (full > 0)
        {
            why.Add($"{full} already pairing with {cap} households");
        }
        return why.Count == 0
            ? $"no member of the village lists {needs} among its skills or services"
            : $"no member can take {needs} now: {string.Join("; ", why)}";
    }
}

using GridActors.Gateway.Hosting;
using GridActors.Grains.Commitments;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.PartyRollups;
using GridActors.Grains.Stars;
using GridActors.Grains.Stats;
using GridActors.Grains.Units;
using GridActors.Grains.Vocabulary;
using static GridActors.Gateway.Apis.PartyApiSupport;

namespace GridActors.Gateway.Apis;

/// <summary>
/// 三亮 (亮身份、亮承诺、亮成效): the public board of a village, read-only and needing no key. It is built from
/// public facts only: members' names and posts, Party member homes by grid (no household head, address or phone),
/// published commitments with their progress, final stars and the village's resolution counts. Instructors' and
/// members' phones, households, reporters and objectors never appear.
/// </summary>
public static class PublicApi
{
    public static IEndpointRouteBuilder MapPublicApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/public/v1").WithTags("Public")
            .MapGet("/villages/{code}/three-shows", ThreeShows)
            .WithName("GetVillageThreeShows")
            .WithSummary("The village's public 三亮 board")
            .WithDescription("三亮: identity (亮身份: Party groups with their members and posts, Party member homes 党员之家), commitments (亮承诺: published "
                + "commitments and their progress) and results (亮成效: stars once final, issues settled in the grid this year). No key needed; no phone "
                + "numbers and no resident's personal data.");
        return endpoints;
    }

    private static async Task<IResult> ThreeShows(VillageValue code, int? year, IGrainFactory grains, GridClock clock)
    {
        if (year is { } y0 && CommitmentsApi.BadYear(y0))
        {
            return Problems.Invalid("year", "must be a year such as 2026");
        }
        var unit = code.Unit;
        var village = await grains.GetUnit(unit).Get();
        var subjects = await grains.GetGrain<IStarRaterGrain>(0).Subjects(unit);
        if (village is null || subjects is null)
        {
            return RouteChecks.NotRegistered(unit);
        }
        var y = year ?? Today(clock).Year;

        var groupGrids = subjects.Where(s => s.Kind == StarSubjectKind.Group).Select(s => s.Grid).ToArray();
        var groups = await Task.WhenAll(groupGrids.Select(async g =>
        {
            var view = (await grains.GetPartyGroup(g).Get())!;
            return new PublicGroup(g, view.LeaderName, view.Members.Select(m => new PublicMember(m.Name, m.Post)).ToArray());
        }));
        var homes = (await grains.GetGrain<IPartyRollupGrain>(0).Homes(unit) ?? [])
            .Select(h => new PublicHome(h.Grid, h.Members.Select(m => m.Name).ToArray(), h.Plaque, h.Central, h.ServedHouseholds.Count)).ToArray();

        var commitments = (await Task.WhenAll(subjects.Select(s => grains.GetCommitments(s.Kind, s.Id, y).Get())))
            .Where(c => c is not null && c.Status != CommitmentStatus.Drafted)
            .Select(c => PublicCommitment.From(c!)).ToArray();

        var ratings = await Task.WhenAll(subjects.Select(async s => (Subject: s, Rating: await grains.GetGrain<IStarRatingGrain>(CommitmentKeys.Of(s.Kind, s.Id, y)).Get())));
        var stars = ratings.Where(r => r.Rating?.Status == RatingStatus.Final)
            .Select(r => new PublicStars(r.Subject.Kind, r.Subject.Name, r.Subject.Grid, r.Rating!.Computation.Score.Stars, r.Rating.Computation.Score.Score, r.Rating.FinalisedAt!.Value))
            .ToArray();

        var today = StatsCalendar.Day(clock.GetUtcNow());
        var from = new DateOnly(y, 1, 1);
        var to = new DateOnly(y, 12, 31) < today ? new DateOnly(y, 12, 31) : today;
        var stats = from <= to ? await grains.GetGrain<IResolutionStatsGrain>(unit.Value).Get(from, to) : null;
        var issues = new PublicIssues(stats?.Reported ?? 0, stats?.Resolved ?? 0, stats?.ResolvedAtGrid ?? 0, stats?.ResolvedAtVillageOrBelow ?? 0, stats?.GridRate);

        return TypedResults.Ok(new ThreeShowsResponse(unit.Value, village.Details.Name, y,
            new PublicIdentity(groups, homes), commitments, new PublicResults(stars, issues)));
    }
}

public sealed record ThreeShowsResponse(string Village, string Name, int Year, PublicIdentity Identity, IReadOnlyList<PublicCommitment> Commitments, PublicResults Results);

/// <summary>亮身份.</summary>
public sealed record PublicIdentity(IReadOnlyList<PublicGroup> Groups, IReadOnlyList<PublicHome> PartyMemberHomes);

public sealed record PublicGroup(string Grid, string Leader, IReadOnlyList<PublicMember> Members);

public sealed record PublicMember(string Name, Post? Post);

/// <summary>A Party member home (党员之家) by grid: the members' names and how many households it serves, not who they are.</summary>
public sealed record PublicHome(string Grid, IReadOnlyList<string> Members, bool Plaque, bool Central, int HouseholdsServed);

/// <summary>亮承诺: a published commitment with its progress; evidence shown by kind and date only.</summary>
public sealed record PublicCommitment(StarSubjectKind Owner, string Name, string Grid, CommitmentStatus Status, IReadOnlyList<PublicItem> Items)
{
    public static PublicCommitment From(CommitmentView c) => new(c.Owner, c.OwnerName, c.Grid, c.Status, c.Items.Select(i =>
    {
        var progress = c.Progress.Where(p => p.Item == i.No).OrderBy(p => p.Date).ToArray();
        return new PublicItem(i.No, i.Text, i.To, i.Measure, i.Target, progress.Sum(p => p.Amount),
            progress.Select(p => new PublicProgress(p.Date, p.Amount, p.Links.Select(l => EnumNames.Name(l.Kind)).Concat(p.Files.Select(f => EnumNames.Name(f.Kind))).ToArray())).ToArray());
    }).ToArray());
}

public sealed record PublicItem(int No, string Text, CommitmentAudience To, string? Measure, decimal? Target, decimal Done, IReadOnlyList<PublicProgress> Progress);

/// <summary>Progress without its free-text note: staff notes often name the households visited, which is residents' personal data.</summary>
public sealed record PublicProgress(DateOnly Date, decimal Amount, IReadOnlyList<string> Evidence);

/// <summary>亮成效.</summary>
public sealed record PublicResults(IReadOnlyList<PublicStars> Stars, PublicIssues Issues);

public sealed record PublicStars(StarSubjectKind Kind, string Name, string Grid, int Stars, decimal Score, DateTimeOffset FinalOn);

/// <summary>The village's issues this year: reported, resolved, resolved in the grid (小事不出网格) and in the village (大事不出村).</summary>
public sealed record PublicIssues(long Reported, long Resolved, long ResolvedInGrid, long ResolvedInVillage, double? GridRate);

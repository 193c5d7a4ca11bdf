using GridActors.Grains.Vocabulary;
using GridActors.Grains.Households;
using GridActors.Grains.Members;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.PartyTasks;
using GridActors.Grains.Validation;

namespace GridActors.Tests.Party;

/// <summary>The Party network's rules that need no cluster: matching, the calendar, the roll-up, posts and tags.</summary>
public sealed class PartyRulesTests
{
    private const string Grid = "340822100201003";
    private const string Neighbour = "340822100201004";

    private static PoolMember Member(string name, string grid, string[]? skills = null, string[]? services = null, int hours = 8,
        MemberStatus status = MemberStatus.Resident, int load = 0) =>
        new(new RosterEntry(Guid.NewGuid(), name, Gender.Male, status, false, null, null, null, skills ?? [], services ?? [], hours, load, 0), grid);

    private static Household House(string head, string[] needs, bool vulnerable = false) =>
        new(Guid.NewGuid(), Grid, new HouseholdDetails(head, "addr", null, null, needs, null, vulnerable, null, [], false, false, []), 1, default, default, null);

    [Fact]
    public void Matcher_RanksTheSameGridFirst_AndLeavesOutMigrantsMembersWithoutHoursAndFullMembers()
    {
        var near = Member("近", Grid, skills: ["legalAid"], hours: 4);
        var far = Member("远", Neighbour, services: ["legalAid"], hours: 40);
        var away = Member("外", Grid, skills: ["legalAid"], status: MemberStatus.Migrant);
        var idle = Member("闲", Grid, skills: ["legalAid"], hours: 0);
        var full = Member("满", Grid, skills: ["legalAid"], load: PairingMatcher.Cap);
        var house = House("户", ["legalAid"]);

        var result = PairingMatcher.Suggest(Grid, [house], [], [far, away, idle, full, near], limit: 5).Single();

        Assert.Equal(["近", "远"], result.Candidates.Select(c => c.Name).ToArray());
        Assert.True(result.Candidates[0].SameGrid);
        Assert.Contains(result.Candidates[0].Reasons, r => r.Contains("technical skill"));
        Assert.Contains(result.Candidates[1].Reasons, r => r.Contains("service offered"));
    }

    [Fact]
    public void Matcher_MoreMatchedNeeds_OutweighTheSameGrid()
    {
        var near = Member("近", Grid, skills: ["legalAid"]);
        var far = Member("远", Neighbour, skills: ["legalAid", "jobSearch"]);
        var result = PairingMatcher.Suggest(Grid, [House("户", ["legalAid", "jobSearch"])], [], [near, far], limit: 3).Single();
        Assert.Equal("远", result.Candidates[0].Name);
        Assert.Equal(["legalAid", "jobSearch"], result.Candidates[0].MatchedNeeds);
    }

    [Fact]
    public void Matcher_ServesVulnerableHouseholdsFirst_AndKeepsTheCapWithinOneAnswer()
    {
        var only = Member("唯一", Grid, skills: ["elderlyCare"], load: PairingMatcher.Cap - 1);
        var ordinary = House("甲", ["elderlyCare"]);
        var vulnerable = House("乙", ["elderlyCare"], vulnerable: true);

        var result = PairingMatcher.Suggest(Grid, [ordinary, vulnerable], [], [only], limit: 3);

        Assert.Equal(["乙", "甲"], result.Select(r => r.Head).ToArray());
        Assert.Single(result[0].Candidates);
        Assert.Empty(result[1].Candidates);
        Assert.Contains($"already pairing with {PairingMatcher.Cap} households", result[1].NoCandidate);
    }

    [Fact]
    public void Matcher_SkipsNeedsAPairingCovers_AndTheMemberAlreadyPaired()
    {
        var member = Member("甲", Grid, skills: ["legalAid", "jobSearch"]);
        var house = House("户", ["legalAid", "jobSearch"]);
        var pairing = new Pairing(Guid.NewGuid(), house.Id, member.Entry.MemberId, "甲", Grid, ["legalAid"], PairingStatus.Active, default, null, null, []);

        var result = PairingMatcher.Suggest(Grid, [house], [pairing], [member], limit: 3).Single();
        Assert.Equal(["jobSearch"], result.UnmetNeeds);
        Assert.Empty(result.Candidates); // the member already pairs with this household

        var covered = pairing with { Needs = ["legalAid", "jobSearch"] };
        Assert.Empty(PairingMatcher.Suggest(Grid, [house], [covered], [member], limit: 3));
    }

    [Fact]
    public void Matcher_ExplainsAHouseholdWithoutACandidate()
    {
        var away = Member("外", Grid, skills: ["transport"], status: MemberStatus.Migrant);
        var result = PairingMatcher.Suggest(Grid, [House("户", ["transport"]), House("另", ["violin"])], [], [away], limit: 3);
        Assert.Contains("1 matching member(s) away from the village", result.Single(r => r.Head == "户").NoCandidate);
        Assert.Contains("no member of the village lists 'violin'", result.Single(r => r.Head == "另").NoCandidate);
    }

    [Fact]
    public void PartyMonth_FollowsChinaTime()
    {
        Assert.Equal("2026-04", PartyMonth.Of(new DateTimeOffset(2026, 3, 31, 16, 30, 0, TimeSpan.Zero)).ToString()); // 00:30 on 1 April in China
        Assert.Equal("2026-03", PartyMonth.Of(new DateTimeOffset(2026, 3, 31, 15, 59, 0, TimeSpan.Zero)).ToString());
        Assert.Equal(new DateTimeOffset(2026, 3, 31, 16, 0, 0, TimeSpan.Zero), PartyMonth.Parse("2026-03").End);
        Assert.Equal("2027-01", PartyMonth.Parse("2026-12").Next.ToString());
        Assert.Equal("2025-12", PartyMonth.Parse("2026-01").Previous.ToString());
        Assert.True(PartyMonth.Parse("2026-02") < PartyMonth.Parse("2026-03"));
        foreach (var bad in new[] { "2026-3", "2026-13", "26-03", "2026/03", "abcd-ef", "" })
        {
            Assert.False(PartyMonth.TryParse(bad, out _), bad);
        }
    }

    [Fact]
    public void TaskState_RollsUpFromPartsToSharesToTheTask()
    {
        var open = new TaskPart(Guid.NewGuid(), "甲", "w");
        var done = open with { Done = true };
        Assert.Equal(PartyTaskStatus.Assigned, TaskRollup.Of(new TaskGroupShare(Grid, default, [])));
        Assert.Equal(PartyTaskStatus.InProgress, TaskRollup.Of(new TaskGroupShare(Grid, default, [open, done])));
        Assert.Equal(PartyTaskStatus.Done, TaskRollup.Of(new TaskGroupShare(Grid, default, [done, done])));

        TaskGroupShare Share(PartyTaskStatus status) => new(Grid, status, []);
        Assert.Equal(PartyTaskStatus.Assigned, TaskRollup.Of([Share(PartyTaskStatus.Assigned), Share(PartyTaskStatus.Assigned)]));
        Assert.Equal(PartyTaskStatus.InProgress, TaskRollup.Of([Share(PartyTaskStatus.Done), Share(PartyTaskStatus.Assigned)]));
        Assert.Equal(PartyTaskStatus.Done, TaskRollup.Of([Share(PartyTaskStatus.Done), Share(PartyTaskStatus.Done)]));
    }

    [Fact]
    public void Posts_SixNeedPresence_AndEachKindOfWorkBelongsToItsPost()
    {
        Assert.Equal([Post.InformationCollector, Post.PolicyPromoter], PostRules.All.Where(p => !p.NeedsPresence()).ToArray());
        Assert.Equal(6, PostRules.PresencePosts.Count);
        Assert.Equal(Post.SecurityPatroller, PostRules.PostOf(PostWorkKind.PatrolRound));
        Assert.Equal(Post.DisputeMediator, PostRules.PostOf(PostWorkKind.Mediation));
        Assert.Null(PostRules.PostOf(PostWorkKind.Other));
        Assert.Contains("informationCollector or policyPromoter", PostRules.MigrantRule(Post.CareHelper));
        Assert.True(EnumNames.TryParse<Post>("DisputeMediator", out var post) && post == Post.DisputeMediator);
        Assert.False(EnumNames.TryParse<Post>("3", out _));
    }

    [Fact]
    public void ServiceTags_NormaliseTheVocabulary_AndKeepFreeTags()
    {
        Assert.Equal("legalAid", ServiceTags.Normalize(" LEGALAID "));
        Assert.Equal("养蜂", ServiceTags.Normalize("养蜂"));
        Assert.Equal(ServiceTags.MatchKey("Beekeeping"), ServiceTags.MatchKey("beekeeping"));
        var errors = new ValidationErrors();
        Assert.Equal(["legalAid"], ServiceTags.Validate(errors, "tags", ["legalAid", "LegalAid"]));
        Assert.Contains("tags[1]", errors.ToString());
    }
}

using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.PartyNetwork;

/// <summary>
/// The eight posts (八大岗位) a member claims (认岗领责). In JSON a post is its camelCase name
/// (<c>disputeMediator</c>); the PascalCase name of the category catalogue (<c>DisputeMediator</c>) is accepted too.
/// </summary>
public enum Post
{
    /// <summary>信息收集员: collects residents' concerns and reports them.</summary>
    InformationCollector,
    /// <summary>环境卫生员: keeps the grid's living environment clean.</summary>
    SanitationKeeper,
    /// <summary>治安巡逻员: patrol rounds.</summary>
    SecurityPatroller,
    /// <summary>纠纷调解员: mediates disputes between neighbours.</summary>
    DisputeMediator,
    /// <summary>政策宣传员: explains policy to residents.</summary>
    PolicyPromoter,
    /// <summary>文体活动员: organises culture and sports activities.</summary>
    CultureSportsOrganizer,
    /// <summary>爱心帮扶员: visits and helps vulnerable households.</summary>
    CareHelper,
    /// <summary>纪律监督员: watches members' discipline and the openness of village affairs.</summary>
    DisciplineSupervisor,
}

/// <summary>How a member came to hold a post (认岗领责): it claimed it, or the branch recommended it democratically.</summary>
public enum Recommendation
{
    /// <summary>自我推荐.</summary>
    Self,
    /// <summary>支部民主推荐.</summary>
    Democratic,
}

/// <summary>A piece of post work (岗位履职) as logged; each kind belongs to one post, <see cref="Other"/> to any.</summary>
public enum PostWorkKind
{
    /// <summary>巡逻 (SecurityPatroller).</summary>
    PatrolRound,
    /// <summary>调解 (DisputeMediator).</summary>
    Mediation,
    /// <summary>信息上报 (InformationCollector).</summary>
    InformationReport,
    /// <summary>环境卫生检查 (SanitationKeeper).</summary>
    SanitationCheck,
    /// <summary>政策宣讲 (PolicyPromoter).</summary>
    PolicyPromotion,
    /// <summary>文体活动 (CultureSportsOrganizer).</summary>
    CultureEvent,
    /// <summary>帮扶走访 (CareHelper).</summary>
    CareVisit,
    /// <summary>监督检查 (DisciplineSupervisor).</summary>
    SupervisionCheck,
    /// <summary>其他: any post.</summary>
    Other,
}

/// <summary>Rules of the posts that need no cluster.</summary>
public static class PostRules
{
    /// <summary>
    /// Posts a migrant member away from the village (外出务工) may hold. Information collection and policy
    /// promotion work by phone and online groups, and reach the village's own migrant workers where they are;
    /// the other six are done on the spot: rounds, clean-ups, face-to-face mediation, organising events,
    /// visiting vulnerable households and watching village affairs at the village. See docs/party-network.md.
    /// </summary>
    public static bool NeedsPresence(this Post post) => post is not (Post.InformationCollector or Post.PolicyPromoter);

    public static IReadOnlyList<Post> All { get; } = Enum.GetValues<Post>();

    public static IReadOnlyList<Post> PresencePosts { get; } = All.Where(p => p.NeedsPresence()).ToArray();

    public static string Term(this Post post) => post switch
    {
        Post.InformationCollector => "信息收集员",
        Post.SanitationKeeper => "环境卫生员",
        Post.SecurityPatroller => "治安巡逻员",
        Post.DisputeMediator => "纠纷调解员",
        Post.PolicyPromoter => "政策宣传员",
        Post.CultureSportsOrganizer => "文体活动员",
        Post.CareHelper => "爱心帮扶员",
        _ => "纪律监督员",
    };

    /// <summary>The post a kind of work belongs to; null for <see cref="PostWorkKind.Other"/>, which fits any post.</summary>
    public static Post? PostOf(PostWorkKind kind) => kind switch
    {
        PostWorkKind.PatrolRound => Post.SecurityPatroller,
        PostWorkKind.Mediation => Post.DisputeMediator,
        PostWorkKind.InformationReport => Post.InformationCollector,
        PostWorkKind.SanitationCheck => Post.SanitationKeeper,
        PostWorkKind.PolicyPromotion => Post.PolicyPromoter,
        PostWorkKind.CultureEvent => Post.CultureSportsOrganizer,
        PostWorkKind.CareVisit => Post.CareHelper,
        PostWorkKind.SupervisionCheck => Post.DisciplineSupervisor,
        _ => null,
    };

    /// <summary>The 400 rule when a migrant member is named for a post that needs presence.</summary>
    public static string MigrantRule(Post post) =>
        $"a migrant member away from the village (外出务工) cannot hold {EnumNames.Name(post)} ({post.Term()}): the post is done on the spot in the village. "
        + $"Away from the village a member may hold {string.Join(" or ", All.Where(p => !p.NeedsPresence()).Select(p => EnumNames.Name(p)))}, which work by phone and online.";
}

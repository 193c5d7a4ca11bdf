using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Units;
using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.Categories;

/// <summary>
/// An issue category of a county's catalogue (事件分类) with the time each level has to settle it.
/// <see cref="LowestLevel"/> makes an issue of this category start at that level (a rule escalation);
/// <see cref="SuggestedPost"/> names the Party post (八大岗位) whose holders are suggested when it is accepted.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.Category")]
public sealed record Category(
    string Code,
    string Name,
    CategoryDeadlines Deadlines,
    UnitLevel? LowestLevel = null,
    string? SuggestedPost = null);

/// <summary>Time allowed at each level before the issue escalates by itself (reason <c>deadline</c>).</summary>
[GenerateSerializer, Immutable, Alias("GridActors.CategoryDeadlines")]
public sealed record CategoryDeadlines(TimeSpan Grid, TimeSpan Village, TimeSpan Township, TimeSpan County)
{
    public TimeSpan At(UnitLevel level) => level switch
    {
        UnitLevel.Grid => Grid,
        UnitLevel.Village => Village,
        UnitLevel.Township => Township,
        _ => County,
    };
}

/// <summary>The catalogue a new county starts with; a county may change any entry.</summary>
public static class DefaultCatalogue
{
    private static readonly CategoryDeadlines Standard = new(TimeSpan.FromDays(3), TimeSpan.FromDays(7), TimeSpan.FromDays(15), TimeSpan.FromDays(30));
    private static readonly CategoryDeadlines Urgent = new(TimeSpan.FromDays(1), TimeSpan.FromDays(2), TimeSpan.FromDays(5), TimeSpan.FromDays(10));

    // Stored as the API writes a post (disputeMediator); counties' entries stored earlier in PascalCase still parse.
    private static string Named(Post post) => EnumNames.Name(post);

    public static IReadOnlyList<Category> Categories { get; } =
    [
        new("living-environment", "人居环境 (含无功能建筑) living environment, including non-functional buildings", Standard, SuggestedPost: Named(Post.SanitationKeeper)),
        new("safety-hazard", "安全隐患 safety hazard", Urgent, SuggestedPost: Named(Post.SecurityPatroller)),
        new("neighbour-dispute", "邻里纠纷 neighbour dispute", Standard, SuggestedPost: Named(Post.DisputeMediator)),
        new("public-security", "社会治安 public security", Urgent, SuggestedPost: Named(Post.SecurityPatroller)),
        new("infrastructure", "基础设施 infrastructure", Standard, LowestLevel: UnitLevel.Village, SuggestedPost: Named(Post.InformationCollector)),
        new("policy-consultation", "政策咨询 policy consultation", Standard, SuggestedPost: Named(Post.PolicyPromoter)),
        new("request-for-help", "求助 request for help", Urgent, SuggestedPost: Named(Post.CareHelper)),
        new("other", "其他 other", Standard, SuggestedPost: Named(Post.InformationCollector)),
    ];
}

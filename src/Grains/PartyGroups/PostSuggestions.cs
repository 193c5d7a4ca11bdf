using GridActors.Grains.Vocabulary;
using GridActors.Grains.Categories;
using GridActors.Grains.PartyNetwork;

namespace GridActors.Grains.PartyGroups;

/// <summary>
/// The matching post is suggested when an issue is accepted (a dispute → the grid's dispute mediators,
/// sanitation → its sanitation keepers): the holders, in the grid where the issue was reported, of the post its
/// category names (<see cref="Category.SuggestedPost"/>).
/// </summary>
public static class PostSuggestions
{
    public static async Task<IReadOnlyList<PostHolder>> ForIssue(IGrainFactory grains, string county, string category, string grid)
    {
        try
        {
            var entry = await grains.GetGrain<ICategoryCatalogGrain>(county).Get(category);
            if (entry?.SuggestedPost is not { } name || !EnumNames.TryParse<Post>(name, out var post))
            {
                return [];
            }
            return await grains.GetGrain<IPartyGroupGrain>(grid).PostHolders(post);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A suggestion is a convenience: it must never stop an issue from being accepted.
            return [];
        }
    }
}

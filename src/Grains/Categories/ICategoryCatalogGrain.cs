namespace GridActors.Grains.Categories;

/// <summary>A county's issue category catalogue (事件分类目录), keyed by the county code.</summary>
[Alias("GridActors.ICategoryCatalogGrain")]
public interface ICategoryCatalogGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces one category; returns true when it was new.</summary>
    [Alias("Put")]
    Task<bool> Put(Category category);

    [Alias("Get")]
    Task<Category?> Get(string categoryCode);

    /// <summary>All categories: the default catalogue until the county changes it.</summary>
    [Alias("List")]
    Task<IReadOnlyList<Category>> List();
}

internal sealed class CategoryCatalogGrain(
    [PersistentState("category-catalogue", Infrastructure.StorageNames.Grains)] IPersistentState<CategoryCatalogState> state)
    : Grain, ICategoryCatalogGrain
{
    // The default catalogue, built once: a county that never edits it reads this one (every report looks its category up).
    private static readonly SortedDictionary<string, Category> Defaults =
        new(DefaultCatalogue.Categories.ToDictionary(c => c.Code), StringComparer.Ordinal);

    public async Task<bool> Put(Category category)
    {
        // The default catalogue is materialised on the first change, so a county that never edits it
        // follows improvements to the defaults.
        var previous = state.State.Categories;
        var categories = new SortedDictionary<string, Category>(Effective, StringComparer.Ordinal);
        var created = !categories.ContainsKey(category.Code);
        categories[category.Code] = category;
        state.State.Categories = categories;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Categories = previous;
            throw;
        }
        return created;
    }

    public Task<Category?> Get(string categoryCode) =>
        Task.FromResult(Effective.GetValueOrDefault(categoryCode));

    public Task<IReadOnlyList<Category>> List() =>
        Task.FromResult<IReadOnlyList<Category>>(Effective.Values.ToArray());

    private SortedDictionary<string, Category> Effective => state.State.Categories ?? Defaults;
}

[GenerateSerializer, Alias("GridActors.CategoryCatalogState")]
public sealed class CategoryCatalogState
{
    [Id(0)] public SortedDictionary<string, Category>? Categories { get; set; }
}

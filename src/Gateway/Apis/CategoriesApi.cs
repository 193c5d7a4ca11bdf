using GridActors.Grains.Vocabulary;
using System.Text.Json.Serialization;
using System.Xml;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Categories;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridActors.Gateway.Apis;

/// <summary>A county's issue category catalogue (事件分类) with the deadline of each level.</summary>
public static class CategoriesApi
{
    public static IEndpointRouteBuilder MapCategoriesApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1/counties/{code}/categories").WithTags("Categories");
        api.MapPut("/{categoryCode}", PutCategory)
            .WithName("PutCategory")
            .WithSummary("Create or replace a category of a county's catalogue")
            .WithDescription("事件分类: the deadline at each level as an ISO 8601 duration (grid, village, township, county), "
                + "an optional lowest level (an issue of this category starts there) and the suggested Party post (八大岗位).");
        api.MapGet("/", ListCategories)
            .WithName("ListCategories")
            .WithSummary("List a county's categories")
            .WithDescription("事件分类目录: the default catalogue until the county changes it.");
        return endpoints;
    }

    private static async Task<Results<Ok<CategoryResponse>, Created<CategoryResponse>, ValidationProblem, ProblemHttpResult>> PutCategory(
        [Registered] CountyValue code, string categoryCode, CategoryInput body, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        CountyCode county = code;
        var category = body.Validate(categoryCode, errors);
        if (category is null)
        {
            return Problems.Invalid(errors);
        }
        var created = await grains.GetGrain<ICategoryCatalogGrain>(county.ToString()).Put(category);
        var response = CategoryResponse.From(category);
        return created
            ? TypedResults.Created($"/api/v1/counties/{county}/categories/{category.Code}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<ListResponse<CategoryResponse>>, ValidationProblem, ProblemHttpResult>> ListCategories(
        [Registered] CountyValue code, [AsParameters] Paging paging, IGrainFactory grains)
    {
        var categories = await grains.GetGrain<ICategoryCatalogGrain>(code.ToString()).List();
        return TypedResults.Ok(paging.Of(categories.Select(CategoryResponse.From).ToArray()));
    }
}

public sealed record DeadlinesInput(string? Grid, string? Village, string? Township, string? County);

public sealed record CategoryInput(string? Name, DeadlinesInput? Deadlines, string? LowestLevel = null, string? SuggestedPost = null)
{
    public Category? Validate(string code, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 64 || !code.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            errors.Add("categoryCode", "must be 1-64 characters of a-z, 0-9 and -");
        }
        var name = Rules.RequiredText(errors, "name", Name);
        TimeSpan? Duration(string field, string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                errors.Add($"deadlines.{field}", "is required: an ISO 8601 duration such as P3D or PT1M");
                return null;
            }
            try
            {
                var value = XmlConvert.ToTimeSpan(text);
                if (value < TimeSpan.FromMinutes(1) || value > TimeSpan.FromDays(366))
                {
                    errors.Add($"deadlines.{field}", "must be between PT1M and P366D");
                    return null;
                }
                return value;
            }
            catch (FormatException)
            {
                errors.Add($"deadlines.{field}", "must be an ISO 8601 duration such as P3D or PT1M");
                return null;
            }
        }
        CategoryDeadlines? deadlines = null;
        if (Deadlines is null)
        {
            errors.Add("deadlines", "is required: {\"grid\", \"village\", \"township\", \"county\"}");
        }
        else
        {
            var grid = Duration("grid", Deadlines.Grid);
            var village = Duration("village", Deadlines.Village);
            var township = Duration("township", Deadlines.Township);
            var county = Duration("county", Deadlines.County);
            if (grid is { } g && village is { } v && township is { } t && county is { } c)
            {
                deadlines = new CategoryDeadlines(g, v, t, c);
            }
        }
        UnitLevel? lowest = null;
        if (LowestLevel is not null)
        {
            if (UnitLevels.TryParse(LowestLevel, out var level))
            {
                lowest = level;
            }
            else
            {
                errors.Add("lowestLevel", "must be null or one of: grid, village, township, county");
            }
        }
        // One of the eight posts (八大岗位) in any letter case; stored as the API writes it (disputeMediator).
        string? post = null;
        if (SuggestedPost is not null)
        {
            if (EnumNames.TryParse<Post>(SuggestedPost, out var p))
            {
                post = EnumNames.Name(p);
            }
            else
            {
                errors.Add("suggestedPost", $"must be null or one of: {string.Join(", ", EnumNames.All<Post>())}");
            }
        }
        return errors.IsEmpty ? new Category(code, name!, deadlines!, lowest, post) : null;
    }
}

public sealed record DeadlinesResponse(string Grid, string Village, string Township, string County);

public sealed record CategoryResponse(string Code, string Name, DeadlinesResponse Deadlines, UnitLevel? LowestLevel, Post? SuggestedPost)
{
    public static CategoryResponse From(Category c) => new(
        c.Code,
        c.Name,
        new DeadlinesResponse(XmlConvert.ToString(c.Deadlines.Grid), XmlConvert.ToString(c.Deadlines.Village),
            XmlConvert.ToString(c.Deadlines.Township), XmlConvert.ToString(c.Deadlines.County)),
        c.LowestLevel,
        // Entries stored before posts were written in camelCase hold PascalCase names; both read as the post.
        EnumNames.TryParse<Post>(c.SuggestedPost, out var post) ? post : null);
}

/// <summary>
/// Every list of the API answers the same way: the items, and a cursor for the next page. On the last page the cursor is
/// written as <c>"nextCursor": null</c>, not left out as other null fields are: that null is how a client knows it is done.
/// </summary>
public sealed record ListResponse<T>(IReadOnlyList<T> Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor, int? Total = null);

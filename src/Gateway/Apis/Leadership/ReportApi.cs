using System.Text.Json.Serialization;
using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Leadership;
using GridActors.Grains.Stats;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using GridActors.Grains.Vocabulary;

namespace GridActors.Gateway.Apis;

// The post-election report (换届后村干部情况统计) of a county or township.
public static partial class LeadershipApi
{
    private static void MapReports(RouteGroupBuilder api)
    {
        foreach (var (collection, level) in UnitsApi.Collections.Where(c => c.Value is UnitLevel.County or UnitLevel.Township))
        {
            api.MapGet($"/{collection}/{{code}}/leadership", ([Registered] LevelValue code, string? term, IGrainFactory grains) => GetReport(code, term, grains))
                .ForLevel(level)
                .WithName($"Get{level}LeadershipReport")
                .WithSummary($"The post-election report on village cadres of a {level.Name()}")
                .WithDescription("换届后村干部情况统计: villages, cadres, cross-appointed (交叉任职) and one-shoulder (一肩挑) counts and shares, average age and secretaries' "
                    + "average age with their change against the previous term held for this unit (null when none), college or above (大专以上), and breakdowns "
                    + "by education, gender and age band. Percentages and ages to 2 decimals. term=YYYY is required.");
        }
    }

    private static async Task<Results<Ok<LeadershipReportResponse>, ValidationProblem, ProblemHttpResult>> GetReport(
        UnitCode unit, string? term, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var year = LeadershipRules.Year(errors, "term", term);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var report = await grains.GetLeadershipReport(unit, year!.Value);
        return TypedResults.Ok(LeadershipReportResponse.From(report));
    }
}

/// <summary>
/// The report, with exactly the fields the county's report states. Changes and averages are written as
/// null (not left out) when there is nothing to compare or average, so every report has the same fields.
/// </summary>
public sealed record LeadershipReportResponse(
    int Villages,
    int Cadres,
    int CrossAppointed,
    decimal CrossAppointedPercent,
    int OneShoulderVillages,
    decimal OneShoulderPercent,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? AverageAge,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? AverageAgeChange,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? SecretaryAverageAge,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? SecretaryAverageAgeChange,
    int CollegeOrAbove,
    decimal CollegeOrAbovePercent,
    IReadOnlyDictionary<string, Share> ByEducation,
    IReadOnlyDictionary<string, Share> ByGender,
    IReadOnlyDictionary<string, Share> ByAgeBand)
{
    public static LeadershipReportResponse From(LeadershipReport r) => new(
        r.Villages, r.Cadres, r.CrossAppointed, r.CrossAppointedPercent, r.OneShoulderVillages, r.OneShoulderPercent,
        r.AverageAge, r.AverageAgeChange, r.SecretaryAverageAge, r.SecretaryAverageAgeChange,
        r.CollegeOrAbove, r.CollegeOrAbovePercent, r.ByEducation, r.ByGender, r.ByAgeBand);
}

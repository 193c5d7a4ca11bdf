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

/// <summary>
/// Village leadership (头雁): the cadres of the two committees (村两委) per village and term, the county's
/// post-election report, and the county's work on secretaries: filing, training, team assessment, slate check.
/// See docs/leadership.md.
/// One file per sub-resource in this folder, each mapping its own routes; what they share (parsing a village or county
/// code, the 404s for an unregistered unit or a missing term) is here.
/// </summary>
public static partial class LeadershipApi
{
    public static IEndpointRouteBuilder MapLeadershipApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Leadership");
        MapTerms(api);
        MapReports(api);
        MapFilings(api);
        MapTraining(api);
        MapAssessments(api);
        MapSlate(api);
        return endpoints;
    }

    private static VillageCode VillageOf(ValidationErrors errors, string code)
    {
        if (!VillageCode.TryParse(code, out var village, out var error))
        {
            errors.Add("code", error);
        }
        return village;
    }

    private static CountyCode CountyOf(ValidationErrors errors, string code)
    {
        if (!CountyCode.TryParse(code, out var county, out var error))
        {
            errors.Add("code", error);
        }
        return county;
    }

    private static CountyCode CountyOf(VillageCode village) => LeadershipGrainFactoryExtensions.CountyOf(village);

    private static async Task<ProblemHttpResult?> VillageMissing(IGrainFactory grains, VillageCode village) =>
        await grains.GetUnit(village).IsRegistered() ? null : Problems.NotFound($"No village {village} is registered.");

    private static async Task<ProblemHttpResult?> CountyMissing(IGrainFactory grains, CountyCode county) =>
        await grains.GetCounty(county).IsRegistered() ? null : Problems.NotFound($"No county {county} is registered.");

    private static ProblemHttpResult NoTerm(VillageCode village, int year) =>
        Problems.NotFound($"No term {year} is recorded for village {village}.");
}

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
/// See docs/leadership.md. One file per sub-resource in this folder, each mapping its own routes next to its
/// handlers; what they share (the county of a village, the 404 for a missing term) is here.
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

    private static CountyCode CountyOf(VillageCode village) => LeadershipGrainFactoryExtensions.CountyOf(village);

    private static ProblemHttpResult NoTerm(VillageCode village, int year) =>
        Problems.NotFound($"No term {year} is recorded for village {village}.");
}

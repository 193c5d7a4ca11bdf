using System.Globalization;
using GridActors.Grains.Units;

namespace GridActors.Grains.Leadership;

/// <summary>Typed access to the leadership grains, so no raw string becomes a key without being parsed.</summary>
public static class LeadershipGrainFactoryExtensions
{
    public static IVillageLeadershipGrain GetVillageLeadership(this IGrainFactory grains, VillageCode village) =>
        grains.GetGrain<IVillageLeadershipGrain>(village.ToString());

    public static ILeadershipBookGrain GetLeadershipBook(this IGrainFactory grains, CountyCode county, int year) =>
        grains.GetGrain<ILeadershipBookGrain>(CountyYear.Key(county, year));

    public static ILeadershipTermsGrain GetLeadershipTerms(this IGrainFactory grains, CountyCode county) =>
        grains.GetGrain<ILeadershipTermsGrain>(county.ToString());

    public static ISecretaryTrainingGrain GetSecretaryTraining(this IGrainFactory grains, CountyCode county, int year) =>
        grains.GetGrain<ISecretaryTrainingGrain>(CountyYear.Key(county, year));

    public static ITeamAssessmentsGrain GetTeamAssessments(this IGrainFactory grains, CountyCode county, int year) =>
        grains.GetGrain<ITeamAssessmentsGrain>(CountyYear.Key(county, year));

    public static ISlateRulesGrain GetSlateRules(this IGrainFactory grains, CountyCode county) =>
        grains.GetGrain<ISlateRulesGrain>(county.ToString());

    /// <summary>The county a unit belongs to, as a county code.</summary>
    public static CountyCode CountyOf(UnitCode unit) => new(unit.County);
}

/// <summary>
/// Keys of the grains that hold one county's records for one year: <c>340822-2021</c>. The dash keeps the
/// key from being all hex digits, which the ADO.NET provider would read as a number.
/// </summary>
public static class CountyYear
{
    public static string Key(CountyCode county, int year) => string.Create(CultureInfo.InvariantCulture, $"{county}-{year}");

    public static (CountyCode County, int Year) Parse(string key) =>
        (new CountyCode(UnitCode.Parse(key[..6])), int.Parse(key.AsSpan(7), CultureInfo.InvariantCulture));
}

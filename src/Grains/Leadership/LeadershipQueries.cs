using GridActors.Grains.Units;

namespace GridActors.Grains.Leadership;

/// <summary>Reads that combine a county's books; each touches a few county grains, never the villages.</summary>
public static class LeadershipQueries
{
    /// <summary>
    /// The report of a county or township for a term, with the change against the previous term held for the
    /// same unit: the latest earlier year whose book holds at least one of the unit's villages.
    /// </summary>
    public static async Task<LeadershipReport> GetLeadershipReport(this IGrainFactory grains, UnitCode unit, int term)
    {
        var county = LeadershipGrainFactoryExtensions.CountyOf(unit);
        var currentTask = grains.GetLeadershipBook(county, term).Totals(unit.Value);
        var years = await grains.GetLeadershipTerms(county).Years();
        LeadershipTotals? previous = null;
        foreach (var year in years.Where(y => y < term).OrderDescending())
        {
            var totals = await grains.GetLeadershipBook(county, year).Totals(unit.Value);
            if (totals.Villages > 0)
            {
                previous = totals;
                break;
            }
        }
        return LeadershipReport.Create(await currentTask, previous);
    }

    /// <summary>
    /// The secretaries in office in <paramref name="year"/>: for each village of the county, the secretary of
    /// its latest term elected in or before that year.
    /// </summary>
    public static async Task<IReadOnlyList<SecretaryRecord>> SecretariesInOffice(this IGrainFactory grains, CountyCode county, int year)
    {
        var years = await grains.GetLeadershipTerms(county).Years();
        var inOffice = new SortedDictionary<string, SecretaryRecord>(StringComparer.Ordinal);
        foreach (var term in years.Where(y => y <= year).OrderDescending())
        {
            foreach (var record in await grains.GetLeadershipBook(county, term).Secretaries(county.ToString()))
            {
                inOffice.TryAdd(record.Village, record);
            }
        }
        return inOffice.Values.ToArray();
    }
}

using GridActors.Grains.Vocabulary;
using GridActors.Grains.Leadership;

namespace GridActors.Tests.Leadership;

public sealed class CadreFactsTests
{
    private static DateOnly D(string text) => DateOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("1975-03-01", "2021-02-28", 45)] // the day before the birthday
    [InlineData("1975-03-01", "2021-03-01", 46)] // on the birthday
    [InlineData("1975-03-01", "2021-12-31", 46)]
    [InlineData("2000-02-29", "2021-02-28", 20)] // born on 29 February: still 20 on 28 February of a common year
    [InlineData("2000-02-29", "2021-03-01", 21)] // ...and 21 on 1 March
    [InlineData("2000-02-29", "2024-02-29", 24)] // a leap year has the birthday itself
    [InlineData("2003-01-10", "2021-01-10", 18)]
    public void AgeAt_CountsWholeYearsAtTheElectionDate(string born, string on, int age) =>
        Assert.Equal(age, CadreFacts.AgeAt(D(born), D(on)));

    [Theory]
    [InlineData(true, CadreRole.BranchSecretary, CadreRole.VillageDirector)]
    [InlineData(true, CadreRole.BranchCommitteeMember, CadreRole.VillageCommitteeMember)]
    [InlineData(true, CadreRole.BranchDeputySecretary, CadreRole.VillageDeputyDirector)]
    [InlineData(false, CadreRole.BranchSecretary)]
    [InlineData(false, CadreRole.VillageDirector)]
    [InlineData(false, CadreRole.VillageCommitteeMember)]
    public void CrossAppointed_MeansARoleOnEachCommittee(bool expected, params CadreRole[] roles) =>
        Assert.Equal(expected, CadreFacts.IsCrossAppointed(roles));

    [Fact]
    public void OneShoulder_WhenTheSecretaryIsAlsoTheDirector()
    {
        var both = Cadre("吴芳", CadreRole.BranchSecretary, CadreRole.VillageDirector);
        Assert.True(CadreFacts.IsOneShoulder([both, Cadre("郑浩", CadreRole.BranchCommitteeMember)]));
    }

    [Fact]
    public void NotOneShoulder_WhenTheDirectorIsSomeoneElse()
    {
        var cadres = new[] { Cadre("刘洋", CadreRole.BranchSecretary), Cadre("孙丽", CadreRole.BranchCommitteeMember, CadreRole.VillageDirector) };
        Assert.False(CadreFacts.IsOneShoulder(cadres));
    }

    [Theory]
    [InlineData(Education.Primary, false)]
    [InlineData(Education.Junior, false)]
    [InlineData(Education.Senior, false)]
    [InlineData(Education.Vocational, false)]
    [InlineData(Education.College, true)]
    [InlineData(Education.Bachelor, true)]
    [InlineData(Education.Master, true)]
    [InlineData(Education.Doctorate, true)]
    public void CollegeOrAbove_StartsAtCollege(Education education, bool expected) =>
        Assert.Equal(expected, CadreFacts.IsCollegeOrAbove(education));

    [Theory]
    [InlineData(18, AgeBand.Under35)]
    [InlineData(34, AgeBand.Under35)]
    [InlineData(35, AgeBand.From35To44)]
    [InlineData(44, AgeBand.From35To44)]
    [InlineData(45, AgeBand.From45To54)]
    [InlineData(54, AgeBand.From45To54)]
    [InlineData(55, AgeBand.From55To59)]
    [InlineData(59, AgeBand.From55To59)]
    [InlineData(60, AgeBand.SixtyAndOver)]
    [InlineData(75, AgeBand.SixtyAndOver)]
    public void AgeBands_HaveTheirBoundsAtTheStartOfEachBand(int age, AgeBand band) => Assert.Equal(band, CadreFacts.BandOf(age));

    [Fact]
    public void Summary_OfAVillage_CountsByHand()
    {
        // Elected 2021-01-10: ages 45 (birthday on 1 March not yet), 31 (birthday that day), 24.
        var term = new VillageTerm(2021, D("2021-01-10"),
        [
            new Cadre("张伟", Gender.Male, D("1975-03-01"), Education.Bachelor, true, [CadreRole.BranchSecretary, CadreRole.VillageDirector]),
            new Cadre("李娜", Gender.Female, D("1990-01-10"), Education.College, true, [CadreRole.BranchDeputySecretary, CadreRole.VillageDeputyDirector]),
            new Cadre("赵敏", Gender.Female, D("1996-02-01"), Education.Vocational, false, [CadreRole.VillageCommitteeMember]),
        ], DateTimeOffset.UnixEpoch);

        var s = VillageTermSummary.Of(term);

        Assert.Equal(3, s.Cadres);
        Assert.Equal(2, s.CrossAppointed);
        Assert.True(s.OneShoulder);
        Assert.Equal(45 + 31 + 24, s.AgeTotal);
        Assert.Equal(2, s.CollegeOrAbove);
        Assert.Equal(2, s.Women);
        Assert.Equal(new[] { 0, 0, 0, 1, 1, 1, 0, 0 }, s.ByEducation);
        Assert.Equal(new[] { 2, 0, 1, 0, 0 }, s.ByAgeBand);
        Assert.Equal(("张伟", 45), (s.Secretary.Name, s.Secretary.Age));
    }

    [Theory]
    // The county report quoted in the issue: 474 of 1,209 cadres, 148 of 243 villages, 463 of 1,209 cadres.
    [InlineData(474, 1209, "39.21")]
    [InlineData(148, 243, "60.91")]
    [InlineData(463, 1209, "38.30")]
    [InlineData(1, 800, "0.13")] // 0.125: half away from zero, as written by hand (banker's rounding would give 0.12)
    [InlineData(0, 0, "0")]
    public void Percent_IsRoundedToTwoDecimals(int part, int whole, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), LeadershipReport.Percent(part, whole));

    [Fact]
    public void Report_ChangeIsTheDifferenceOfUnroundedAverages()
    {
        // Now 637 years over 15 cadres = 42.4666..; before 253 over 5 = 50.6: a change of -8.1333.. = -8.13.
        // Rounding first would give 42.47 - 50.60 = -8.13 as well here; the secretaries' 172/4 - 113/2 = 43 - 56.5 = -13.5.
        var now = Totals(villages: 4, cadres: 15, ageTotal: 637, secretaryAgeTotal: 172);
        var before = Totals(villages: 2, cadres: 5, ageTotal: 253, secretaryAgeTotal: 113);

        var report = LeadershipReport.Create(now, before);

        Assert.Equal(42.47m, report.AverageAge);
        Assert.Equal(-8.13m, report.AverageAgeChange);
        Assert.Equal(43m, report.SecretaryAverageAge);
        Assert.Equal(-13.5m, report.SecretaryAverageAgeChange);
    }

    [Fact]
    public void Report_WithoutAPreviousTerm_HasNoChange()
    {
        var report = LeadershipReport.Create(Totals(villages: 1, cadres: 3, ageTotal: 100, secretaryAgeTotal: 40), null);
        Assert.Equal(33.33m, report.AverageAge);
        Assert.Null(report.AverageAgeChange);
        Assert.Null(report.SecretaryAverageAgeChange);
    }

    [Fact]
    public void Report_OfNoVillages_HasZerosAndNoAverages()
    {
        var report = LeadershipReport.Create(LeadershipTotals.Sum([]), null);
        Assert.Equal((0, 0, 0m, 0m), (report.Villages, report.Cadres, report.CrossAppointedPercent, report.OneShoulderPercent));
        Assert.Null(report.AverageAge);
        Assert.Null(report.SecretaryAverageAge);
    }

    [Fact]
    public void SlateCheck_WarnsOfEachRuleBroken()
    {
        var rules = new SlateRules(MinWomen: 1, MinUnder35: 1, MinCollegeOrAbove: 2, SecretaryMinEducation: Education.College, SecretaryMaxAge: 55, OneShoulder: true);
        // Elected 2026-01-20: the secretary is 56 with senior education; the director is someone else; no women; no one under 35; one college.
        var slate = new[]
        {
            new Cadre("钱进", Gender.Male, D("1969-05-05"), Education.Senior, true, [CadreRole.BranchSecretary]),
            new Cadre("孙强", Gender.Male, D("1985-05-05"), Education.College, true, [CadreRole.BranchCommitteeMember, CadreRole.VillageDirector]),
        };

        var warnings = SlateCheck.Run(rules, D("2026-01-20"), slate);

        Assert.Equal(new[] { "minWomen", "minUnder35", "minCollegeOrAbove", "secretaryMinEducation", "secretaryMaxAge", "oneShoulder" }, warnings.Select(w => w.Rule));
        Assert.Contains("56", warnings.Single(w => w.Rule == "secretaryMaxAge").Message);
    }

    [Fact]
    public void SlateCheck_OfASlateThatKeepsTheRules_HasNoWarnings()
    {
        var slate = new[]
        {
            new Cadre("吴芳", Gender.Female, D("1988-08-08"), Education.Master, true, [CadreRole.BranchSecretary, CadreRole.VillageDirector]),
            new Cadre("冯雪", Gender.Female, D("2000-02-29"), Education.College, false, [CadreRole.VillageCommitteeMember]),
        };
        var rules = new SlateRules(2, 1, 2, Education.Bachelor, 40, true);
        Assert.Empty(SlateCheck.Run(rules, D("2026-01-20"), slate));
    }

    private static Cadre Cadre(string name, params CadreRole[] roles) =>
        new(name, Gender.Male, new DateOnly(1980, 1, 1), Education.Senior, true, roles);

    private static LeadershipTotals Totals(int villages, int cadres, long ageTotal, long secretaryAgeTotal) =>
        new(villages, cadres, 0, 0, ageTotal, secretaryAgeTotal, 0, 0, new int[8], new int[5]);
}

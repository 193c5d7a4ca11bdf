using GridActors.Grains.Stars;
using GridActors.Grains.Validation;

namespace GridActors.Tests.Stars;

/// <summary>The rubric arithmetic, without a silo.</summary>
public sealed class StarCalculatorTests
{
    private static readonly decimal[] Thresholds = [60, 70, 80, 90];

    private static StarFacts Facts(
        ItemFulfilment[]? items = null, int evaluations = 0, decimal evaluationSum = 0, int monthsDue = 0, int monthsHeld = 0, int places = 0, int attended = 0,
        int postWork = 0, int issues = 0, int rated = 0, int satisfaction = 0, int pairings = 0, int visits = 0, int parts = 0, int onTime = 0) =>
        new(items ?? [], evaluations, evaluationSum, monthsDue, monthsHeld, places, attended, postWork, issues, rated, satisfaction, pairings, visits, parts, onTime);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(59.9, 1)]
    [InlineData(60, 2)]
    [InlineData(69.95, 2)]
    [InlineData(70, 3)]
    [InlineData(80, 4)]
    [InlineData(89.9, 4)]
    [InlineData(90, 5)]
    [InlineData(100, 5)]
    public void Stars_AreOnePlusTheThresholdsReached(double score, int stars) =>
        Assert.Equal(stars, StarCalculator.Stars((decimal)score, Thresholds));

    [Fact]
    public void ItemRatio_MeasuredIsProgressOverTargetCapped_UnmeasuredCountsOnceEvidenced()
    {
        Assert.Equal(0.5m, StarCalculator.ItemRatio(new(1, "visit", 12, 6, 1)));
        Assert.Equal(1m, StarCalculator.ItemRatio(new(1, "visit", 12, 30, 3)));
        Assert.Equal(1m, StarCalculator.ItemRatio(new(2, "mediate", null, 0, 1)));
        Assert.Equal(0m, StarCalculator.ItemRatio(new(2, "mediate", null, 0, 0)));
    }

    [Fact]
    public void MemberScore_IsTheWeightedMeanOfRatios_AndEveryContributionIsExplained()
    {
        var rubric = StarRubric.Default("340822", 2026);
        // attendance 3/4, tasks 1/2, evaluation 85, fulfilment (0.5 + 1)/2, post work 6/12, visits 12/(2×12), issues 3/3 (capped).
        var facts = Facts(items: [new(1, "visit", 12, 6, 1), new(2, "mediate", null, 0, 1)], evaluations: 2, evaluationSum: 170,
            places: 4, attended: 3, postWork: 6, issues: 4, pairings: 2, visits: 12, parts: 2, onTime: 1);

        var score = StarCalculator.Compute(rubric.MemberCriteria, rubric.Thresholds, facts);

        // 20×0.75 + 15×0.5 + 20×0.85 + 20×0.75 + 10×0.5 + 10×0.5 + 5×1 = 15 + 7.5 + 17 + 15 + 5 + 5 + 5 = 69.5 of 100
        Assert.Equal(69.5m, score.Score);
        Assert.Equal(2, score.Stars);
        Assert.Equal(100m, score.ApplicableWeight);
        Assert.Equal(score.Score, score.Criteria.Sum(c => c.Contribution));
        var politics = score.Criteria.Single(c => c.Key == "politics");
        Assert.Equal((0.75m, 15m), (politics.Ratio, politics.Contribution));
        Assert.Contains("3 attendances of 4 places at activities", politics.Explanation);
        Assert.Contains(politics.Inputs, i => i.Name == "attendances" && i.Value == 3);
        Assert.Contains("mean score 85 of 100 from 2 scores", score.Criteria.Single(c => c.Key == "morality").Explanation);
        Assert.Equal(1m, score.Criteria.Single(c => c.Key == "dedicationIssues").Ratio);
        Assert.Contains("reached 60: 2 stars", score.Explanation);
    }

    [Fact]
    public void ACriterionWithoutABase_IsLeftOut_AndTheOtherWeightsScaleUp()
    {
        var rubric = StarRubric.Default("340822", 2026);
        // A member with no activity held, no task, no evaluation, no pairing: only fulfilment (20), post work (10) and issues (5) apply.
        var facts = Facts(items: [new(1, "patrol", 10, 10, 2)], postWork: 12, issues: 0);

        var score = StarCalculator.Compute(rubric.MemberCriteria, rubric.Thresholds, facts);

        Assert.Equal(35m, score.ApplicableWeight);
        Assert.Equal(85.7m, score.Score); // (20×1 + 10×1 + 5×0) / 35 × 100 = 85.714…
        Assert.Equal(4, score.Stars);
        Assert.Equal(57.14m, score.Criteria.Single(c => c.Key == "dedication").Contribution);
        var pairing = score.Criteria.Single(c => c.Key == "dedicationPairing");
        Assert.False(pairing.Applicable);
        Assert.Null(pairing.Ratio);
        Assert.Contains("not applicable", pairing.Explanation);
    }

    [Fact]
    public void GroupScore_ReadsMonthsAttendanceSharesAndSatisfaction()
    {
        var rubric = StarRubric.Default("340822", 2026);
        var facts = Facts(items: [new(1, "activity", 12, 12, 3)], evaluations: 1, evaluationSum: 90, monthsDue: 10, monthsHeld: 9,
            places: 20, attended: 16, rated: 2, satisfaction: 9, parts: 4, onTime: 4);

        var score = StarCalculator.Compute(rubric.GroupCriteria, rubric.Thresholds, facts);

        // 20×0.9 + 15×0.8 + 15×1 + 25×1 + 15×0.9 + 10×0.9 = 18 + 12 + 15 + 25 + 13.5 + 9 = 92.5
        Assert.Equal(92.5m, score.Score);
        Assert.Equal(5, score.Stars);
    }

    [Fact]
    public void NoPublishedCommitment_CountsZero_NotLeftOut()
    {
        var rubric = StarRubric.Default("340822", 2026);
        var score = StarCalculator.Compute(rubric.MemberCriteria, rubric.Thresholds, Facts(postWork: 12));
        var fulfilment = score.Criteria.Single(c => c.Key == "dedication");
        Assert.True(fulfilment.Applicable);
        Assert.Equal(0m, fulfilment.Ratio);
        Assert.Equal(28.6m, score.Score); // (20×0 + 10×1 + 5×0) / 35 × 100 = 28.571…
        Assert.Equal(1, score.Stars);
    }

    [Fact]
    public void Rubric_Check_NamesEveryFieldAndRule()
    {
        var errors = new ValidationErrors();
        StarRubric.Check(errors,
            [new("a", "A", StarSource.PostWork, 10, null), new("a", "", StarSource.Attendance, 0, null)],
            [],
            [60, 50, 80, 90],
            0);
        var found = errors.ToDictionary();
        Assert.Contains("is required for postWork", found["groupCriteria[0].target"][0]);
        Assert.Contains("must not repeat", found["groupCriteria[1].key"][0]);
        Assert.Contains("is required", found["groupCriteria[1].name"][0]);
        Assert.Contains("above 0", found["groupCriteria[1].weight"][0]);
        Assert.Contains("at least one", found["memberCriteria"][0]);
        Assert.Contains("rise strictly", found["thresholds"][0]);
        Assert.Contains("公示期", found["noticeDays"][0]);

        Assert.False(found.ContainsKey("groupCriteria")); // a weight already refused is not blamed again on the sum

        var fine = new ValidationErrors();
        var d = StarRubric.Default("340822", 2026);
        StarRubric.Check(fine, d.GroupCriteria, d.MemberCriteria, d.Thresholds, d.NoticeDays);
        Assert.True(fine.IsEmpty, fine.ToString());
    }

    [Fact]
    public void Rubric_Check_WantsEachListsWeightsToAddUpTo100_AndTargetsOnlyOnCountedSources()
    {
        var errors = new ValidationErrors();
        StarRubric.Check(errors,
            [new("a", "A", StarSource.Attendance, 50, null), new("b", "B", StarSource.ActivityCompliance, 45.5m, null)],
            [new("c", "C", StarSource.PairingVisits, 60, 12), new("d", "D", StarSource.EvaluationScores, 40, 80)],
            [60, 70, 80, 90],
            7);
        var found = errors.ToDictionary();
        Assert.Equal("weights must add up to 100 points (they add up to 95.5)", Assert.Single(found["groupCriteria"]));
        Assert.Contains("only read by postWork, issuesHandled and pairingVisits; leave it out for evaluationScores", found["memberCriteria[1].target"][0]);
        Assert.False(found.ContainsKey("memberCriteria")); // 60 + 40 = 100
        Assert.Equal(2, found.Count);
    }
}

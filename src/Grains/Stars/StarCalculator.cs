using System.Globalization;

namespace GridActors.Grains.Stars;

/// <summary>
/// 星级评定 arithmetic, with no cluster: each criterion turns its inputs into a ratio from 0 to 1; the score is the
/// weighted mean of the applicable criteria's ratios times 100, rounded to one decimal; the stars are 1 plus the
/// number of thresholds the score reaches. Contributions are shown to two decimals and sum to the score up to rounding.
/// </summary>
public static class StarCalculator
{
    /// <summary>Sources that count things and so need a target.</summary>
    public static bool Counts(StarSource source) => source is StarSource.PostWork or StarSource.IssuesHandled or StarSource.PairingVisits;

    public static int Stars(decimal score, IReadOnlyList<decimal> thresholds) => 1 + thresholds.Count(t => score >= t);

    public static StarScore Compute(IReadOnlyList<StarCriterion> criteria, IReadOnlyList<decimal> thresholds, StarFacts facts)
    {
        var parts = criteria.Select(c => (Criterion: c, Part: Ratio(c, facts))).ToArray();
        var applicableWeight = parts.Where(p => p.Part.Ratio is not null).Sum(p => p.Criterion.Weight);
        var raw = applicableWeight == 0 ? 0m : parts.Where(p => p.Part.Ratio is not null).Sum(p => p.Criterion.Weight * p.Part.Ratio!.Value) / applicableWeight * 100m;
        var score = Math.Round(raw, 1, MidpointRounding.AwayFromZero);
        var stars = Stars(score, thresholds);
        var results = parts.Select(p =>
        {
            var contribution = p.Part.Ratio is { } r && applicableWeight > 0
                ? Math.Round(p.Criterion.Weight * r / applicableWeight * 100m, 2, MidpointRounding.AwayFromZero)
                : 0m;
            var how = p.Part.Ratio is { } ratio
                ? $"{p.Part.Explanation}; ratio {Text(ratio, 4)} × weight {Text(p.Criterion.Weight, 2)} / applicable weight {Text(applicableWeight, 2)} × 100 = {Text(contribution, 2)} points"
                : $"{p.Part.Explanation}; not applicable, left out (its weight {Text(p.Criterion.Weight, 2)} is shared by the others)";
            return new CriterionResult(p.Criterion.Key, p.Criterion.Name, p.Criterion.Source, p.Criterion.Weight, p.Part.Ratio is not null,
                p.Part.Ratio is { } x ? Math.Round(x, 4, MidpointRounding.AwayFromZero) : null, contribution, p.Part.Inputs, how);
        }).ToArray();
        var reached = thresholds.Where(t => score >= t).Select(t => Text(t, 1)).ToArray();
        var explanation = $"score {Text(score, 1)} = sum of contributions; thresholds {string.Join("/", thresholds.Select(t => Text(t, 1)))} for 2-5 stars; "
            + (reached.Length == 0 ? "none reached: 1 star" : $"reached {string.Join(", ", reached)}: {stars} stars");
        return new StarScore(score, stars, applicableWeight, thresholds, results, explanation);
    }

    private static (decimal? Ratio, IReadOnlyList<StarInput> Inputs, string Explanation) Ratio(StarCriterion c, StarFacts f)
    {
        switch (c.Source)
        {
            case StarSource.CommitmentFulfilment:
            {
                var items = f.CommitmentItems;
                var inputs = new List<StarInput> { new("items", items.Count) };
                if (items.Count == 0)
                {
                    return (0m, inputs, "no published commitment item: 0");
                }
                var ratios = items.Select(ItemRatio).ToArray();
                inputs.AddRange(items.Select((i, n) => new StarInput($"item {i.Item} fulfilled", Math.Round(ratios[n], 4))));
                var mean = ratios.Average();
                return (mean, inputs, $"mean of {items.Count} items' fulfilment (progress/target capped at 1; an unmeasured item counts 1 once evidenced) = {Text(mean, 4)}");
            }
            case StarSource.EvaluationScores:
            {
                var inputs = new List<StarInput> { new("scores", f.EvaluationCount), new("sum of scores", f.EvaluationSum) };
                if (f.EvaluationCount == 0)
                {
                    return (null, inputs, "no evaluation score recorded");
                }
                var mean = f.EvaluationSum / f.EvaluationCount;
                return (mean / 100m, inputs, $"mean score {Text(mean, 2)} of 100 from {f.EvaluationCount} scores");
            }
            case StarSource.ActivityCompliance:
                return Share(f.MonthsHeld, f.MonthsDue, "months with an activity", "months due", "no month was due");
            case StarSource.Attendance:
                return Share(f.Attendances, f.ActivityPlaces, "attendances", "places at activities", "no activity was held");
            case StarSource.TasksOnTime:
                return Share(f.TaskPartsOnTime, f.TaskParts, "done on time", "handed down", "no task was handed down");
            case StarSource.PostWork:
                return Target(f.PostWork, c.Target ?? 1, "post work entries");
            case StarSource.IssuesHandled:
                return Target(f.IssuesResolved, c.Target ?? 1, "resolved issues linked as evidence");
            case StarSource.IssueSatisfaction:
            {
                var inputs = new List<StarInput> { new("rated issues", f.SatisfactionCount), new("sum of satisfaction", f.SatisfactionSum) };
                if (f.SatisfactionCount == 0)
                {
                    return (null, inputs, "no resolved issue was rated by its reporter");
                }
                var mean = (decimal)f.SatisfactionSum / f.SatisfactionCount;
                return (mean / 5m, inputs, $"mean satisfaction {Text(mean, 2)} of 5 from {f.SatisfactionCount} issues");
            }
            case StarSource.PairingVisits:
            {
                var target = c.Target ?? 12;
                var inputs = new List<StarInput> { new("pairings", f.Pairings), new("visits", f.PairingVisits), new("target visits per pairing", target) };
                if (f.Pairings == 0)
                {
                    return (null, inputs, "no pairing with a household");
                }
                var ratio = Math.Min(1m, f.PairingVisits / (f.Pairings * target));
                return (ratio, inputs, $"{f.PairingVisits} visits of {Text(f.Pairings * target, 2)} expected ({f.Pairings} pairings × {Text(target, 2)}), capped at 1");
            }
            default:
                return (null, [], "unknown source");
        }
    }

    /// <summary>Measured: progress over target, capped at 1. Unmeasured: 1 once a progress record carries evidence.</summary>
    public static decimal ItemRatio(ItemFulfilment item) => item.Target is > 0 and var target
        ? Math.Min(1m, item.Progress / target)
        : item.EvidencedRecords > 0 ? 1m : 0m;

    private static (decimal?, IReadOnlyList<StarInput>, string) Share(int done, int of, string doneName, string ofName, string none)
    {
        IReadOnlyList<StarInput> inputs = [new(doneName, done), new(ofName, of)];
        return of == 0 ? (null, inputs, none) : ((decimal)done / of, inputs, $"{done} {doneName} of {of} {ofName}");
    }

    private static (decimal?, IReadOnlyList<StarInput>, string) Target(int count, decimal target, string name)
    {
        IReadOnlyList<StarInput> inputs = [new(name, count), new("target", target)];
        return (Math.Min(1m, count / target), inputs, $"{count} {name} of a target of {Text(target, 2)}, capped at 1");
    }

    private static string Text(decimal value, int decimals) =>
        Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString("0.####", CultureInfo.InvariantCulture);
}

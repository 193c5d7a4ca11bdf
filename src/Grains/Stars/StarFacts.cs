namespace GridActors.Grains.Stars;

/// <summary>One commitment item as the rating reads it: its target (null when unmeasured), progress and evidence.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.ItemFulfilment")]
public sealed record ItemFulfilment(int Item, string Text, decimal? Target, decimal Progress, int EvidencedRecords);

/// <summary>
/// Everything a rating is computed from, gathered from the Party network, issues and commitments for one group or
/// member and one year. Kept with the rating, so the score can be explained (and recomputed) from it later.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.StarFacts")]
public sealed record StarFacts(
    IReadOnlyList<ItemFulfilment> CommitmentItems,
    int EvaluationCount,
    decimal EvaluationSum,
    int MonthsDue,
    int MonthsHeld,
    int ActivityPlaces,
    int Attendances,
    int PostWork,
    int IssuesResolved,
    int SatisfactionCount,
    int SatisfactionSum,
    int Pairings,
    int PairingVisits,
    int TaskParts,
    int TaskPartsOnTime)
{
    public static StarFacts None { get; } = new([], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

/// <summary>A named number a criterion used.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.StarInput")]
public sealed record StarInput(string Name, decimal Value);

/// <summary>
/// One criterion's part of the score: the inputs it read, the ratio (0-1) they give, and its contribution in points
/// of the 100. A criterion without a base (no activity held, no task handed down) is not applicable: it is left out
/// and the other weights are scaled up, and the explanation says so.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.CriterionResult")]
public sealed record CriterionResult(
    string Key,
    string Name,
    StarSource Source,
    decimal Weight,
    bool Applicable,
    decimal? Ratio,
    decimal Contribution,
    IReadOnlyList<StarInput> Inputs,
    string Explanation);

/// <summary>A computed rating: the score (0-100), the stars (1-5) and how every criterion contributed.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.StarScore")]
public sealed record StarScore(decimal Score, int Stars, decimal ApplicableWeight, IReadOnlyList<decimal> Thresholds, IReadOnlyList<CriterionResult> Criteria, string Explanation);

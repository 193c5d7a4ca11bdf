using GridActors.Grains.Vocabulary;
using GridActors.Grains.Access;
using GridActors.Grains.Validation;

namespace GridActors.Grains.Stars;

/// <summary>Where a criterion's number comes from (评分数据来源).</summary>
public enum StarSource
{
    /// <summary>承诺兑现: the share of each commitment item fulfilled (progress against its target, or evidenced when unmeasured).</summary>
    CommitmentFulfilment,
    /// <summary>评诺: the mean of evaluation scores (0-100) from members and residents' representatives.</summary>
    EvaluationScores,
    /// <summary>集中活动: months with a collective activity over the months the group was due one.</summary>
    ActivityCompliance,
    /// <summary>参加活动: attendances over places at the group's activities.</summary>
    Attendance,
    /// <summary>岗位履职: post work entries of the year against the criterion's target.</summary>
    PostWork,
    /// <summary>办理民情: resolved issues linked as evidence against the criterion's target.</summary>
    IssuesHandled,
    /// <summary>群众满意: mean satisfaction (1-5) of those issues.</summary>
    IssueSatisfaction,
    /// <summary>联系帮扶: pairing visits against the criterion's target per pairing.</summary>
    PairingVisits,
    /// <summary>交办任务: task parts (or a group's shares) done on time over those handed down.</summary>
    TasksOnTime,
}

/// <summary>Whom a rubric's criteria rate.</summary>
public enum StarSubjectKind
{
    /// <summary>网格党小组: rated by the "five goods" (五个好).</summary>
    Group,
    /// <summary>党员: rated by the "four stresses, four haves" (四讲四有).</summary>
    Member,
}

/// <summary>One criterion: its weight and data source; <see cref="Target"/> is the count that earns the full share where a source counts things.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.StarCriterion")]
public sealed record StarCriterion(string Key, string Name, StarSource Source, decimal Weight, decimal? Target);

/// <summary>
/// 星级评定标准: a county's rubric for a year. The score is 0-100; <see cref="Thresholds"/> are the lowest scores of
/// 2, 3, 4 and 5 stars (below the first: 1 star). <see cref="NoticeDays"/> is the public notice period (公示).
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.StarRubric")]
public sealed record StarRubric(
    string County,
    int Year,
    IReadOnlyList<StarCriterion> GroupCriteria,
    IReadOnlyList<StarCriterion> MemberCriteria,
    IReadOnlyList<decimal> Thresholds,
    int NoticeDays,
    bool IsDefault,
    DateTimeOffset? SetAt = null,
    string? SetBy = null,
    Actor? Actor = null)
{
    public IReadOnlyList<StarCriterion> For(StarSubjectKind kind) => kind == StarSubjectKind.Group ? GroupCriteria : MemberCriteria;

    /// <summary>The rubric every county starts from until it sets its own.</summary>
    public static StarRubric Default(string county, int year) => new(
        county,
        year,
        [
            new("goodLeadership", "班子好: 每月集中活动", StarSource.ActivityCompliance, 20, null),
            new("goodMembers", "队伍好: 党员参加活动", StarSource.Attendance, 15, null),
            new("goodMechanisms", "机制好: 交办任务按时完成", StarSource.TasksOnTime, 15, null),
            new("goodResults", "业绩好: 承诺兑现", StarSource.CommitmentFulfilment, 25, null),
            new("goodResponse", "群众反映好: 评诺得分", StarSource.EvaluationScores, 15, null),
            new("goodResponseSatisfaction", "群众反映好: 民情办理满意度", StarSource.IssueSatisfaction, 10, null),
        ],
        [
            new("politics", "讲政治、有信念: 参加组织生活", StarSource.Attendance, 20, null),
            new("rules", "讲规矩、有纪律: 交办任务按时完成", StarSource.TasksOnTime, 15, null),
            new("morality", "讲道德、有品行: 评诺得分", StarSource.EvaluationScores, 20, null),
            new("dedication", "讲奉献、有作为: 承诺兑现", StarSource.CommitmentFulfilment, 20, null),
            new("dedicationPost", "讲奉献、有作为: 岗位履职", StarSource.PostWork, 10, 12),
            new("dedicationPairing", "讲奉献、有作为: 联系帮扶走访", StarSource.PairingVisits, 10, 12),
            new("dedicationIssues", "讲奉献、有作为: 办理民情", StarSource.IssuesHandled, 5, 3),
        ],
        [60, 70, 80, 90],
        7,
        IsDefault: true);

    /// <summary>Checks a rubric as sent; every rule broken is named by field.</summary>
    public static void Check(ValidationErrors errors, IReadOnlyList<StarCriterion>? group, IReadOnlyList<StarCriterion>? member, IReadOnlyList<decimal>? thresholds, int? noticeDays)
    {
        CheckCriteria(errors, "groupCriteria", group);
        CheckCriteria(errors, "memberCriteria", member);
        CheckScale(errors, thresholds, noticeDays);
    }

    /// <summary>Thresholds of 2-5 stars and the notice period.</summary>
    public static void CheckScale(ValidationErrors errors, IReadOnlyList<decimal>? thresholds, int? noticeDays)
    {
        if (thresholds is not { Count: 4 })
        {
            errors.Add("thresholds", "must be four scores: the lowest score of 2, 3, 4 and 5 stars");
        }
        else if (thresholds.Any(t => t is <= 0 or > 100) || thresholds.Zip(thresholds.Skip(1)).Any(p => p.First >= p.Second))
        {
            errors.Add("thresholds", "must rise strictly, each above 0 and at most 100");
        }
        if (noticeDays is not (>= 1 and <= 60))
        {
            errors.Add("noticeDays", "must be from 1 to 60 days (公示期)");
        }
    }

    /// <summary>One list of criteria, named <paramref name="field"/> in the errors.</summary>
    public static void CheckCriteria(ValidationErrors errors, string field, IReadOnlyList<StarCriterion>? criteria)
    {
        if (criteria is null || criteria.Count == 0)
        {
            errors.Add(field, "must list at least one criterion");
            return;
        }
        if (criteria.Count > 20)
        {
            errors.Add(field, "must list at most 20 criteria");
        }
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < criteria.Count; i++)
        {
            var c = criteria[i];
            if (string.IsNullOrWhiteSpace(c.Key) || c.Key.Length > 50)
            {
                errors.Add($"{field}[{i}].key", "is required (at most 50 characters)");
            }
            else if (!keys.Add(c.Key))
            {
                errors.Add($"{field}[{i}].key", "must not repeat another criterion's key");
            }
            if (string.IsNullOrWhiteSpace(c.Name) || c.Name.Length > 100)
            {
                errors.Add($"{field}[{i}].name", "is required (at most 100 characters)");
            }
            if (c.Weight is <= 0 or > 100)
            {
                errors.Add($"{field}[{i}].weight", "must be above 0 and at most 100");
            }
            if (StarCalculator.Counts(c.Source) && c.Target is not (> 0))
            {
                errors.Add($"{field}[{i}].target", $"is required for {SourceName(c.Source)}: the count that earns the full share, above 0");
            }
            else if (!StarCalculator.Counts(c.Source) && c.Target is not null)
            {
                errors.Add($"{field}[{i}].target", $"is only read by postWork, issuesHandled and pairingVisits; leave it out for {SourceName(c.Source)}");
            }
        }
        // Weights are points of the 100: staff read "weight 20" as "20 points", so the list must add up to exactly 100.
        // (A criterion without a base is still left out at computation time, and the others scale up to fill its points.)
        if (criteria.All(c => c.Weight is > 0 and <= 100) && criteria.Sum(c => c.Weight) is var sum && sum != 100)
        {
            errors.Add(field, $"weights must add up to 100 points (they add up to {sum.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)})");
        }
    }

    /// <summary>A source as callers write it (camelCase, as in JSON).</summary>
    public static string SourceName(StarSource source) => Vocabulary.EnumNames.Name(source);
}

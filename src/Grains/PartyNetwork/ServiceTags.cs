using GridActors.Grains.Validation;

namespace GridActors.Grains.PartyNetwork;

/// <summary>
/// The shared vocabulary of skills, services and needs (技术特长 / 服务意愿 / 群众需求). A member card and a
/// household's needs use the same tags, so pairing is a match of equal tags. A tag outside the vocabulary is
/// kept as written (a free tag) and matches the same free tag, compared without regard to case.
/// </summary>
public static class ServiceTags
{
    public const int MaxTags = 20;
    public const int MaxTagLength = 30;

    public static IReadOnlyDictionary<string, string> Vocabulary { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["elderlyCare"] = "养老照护 elderly care",
        ["farmingTechniques"] = "农业技术 farming techniques",
        ["electricalRepair"] = "电器维修 electrical repair",
        ["legalAid"] = "法律援助 legal aid",
        ["jobSearch"] = "就业帮扶 job search",
        ["healthCare"] = "医疗保健 health care",
        ["childEducation"] = "助学辅导 children's schooling",
        ["policyAdvice"] = "政策咨询 policy advice",
        ["emotionalSupport"] = "心理疏导 emotional support",
        ["housingRepair"] = "房屋修缮 housing repair",
        ["eCommerce"] = "电商销售 selling online",
        ["transport"] = "出行接送 transport",
    };

    private static readonly Dictionary<string, string> ByLowerCase =
        Vocabulary.Keys.ToDictionary(k => k.ToLowerInvariant(), k => k, StringComparer.Ordinal);

    /// <summary>The vocabulary code for a vocabulary tag in any case; otherwise the trimmed free tag.</summary>
    public static string Normalize(string tag)
    {
        var trimmed = tag.Trim();
        return ByLowerCase.TryGetValue(trimmed.ToLowerInvariant(), out var code) ? code : trimmed;
    }

    /// <summary>The key two tags are compared by.</summary>
    public static string MatchKey(string tag) => Normalize(tag).ToLowerInvariant();

    public static bool IsVocabulary(string tag) => Vocabulary.ContainsKey(tag);

    /// <summary>A label for explanations: the vocabulary's Chinese and English, or the free tag itself.</summary>
    public static string Label(string tag) => Vocabulary.TryGetValue(tag, out var label) ? $"{tag} ({label})" : $"'{tag}'";

    /// <summary>Checks a list of tags; returns them normalised, without repeats, or null with errors added.</summary>
    public static IReadOnlyList<string> Validate(ValidationErrors errors, string field, IReadOnlyList<string?>? tags, int max = MaxTags)
    {
        var result = new List<string>();
        if (tags is null)
        {
            return result;
        }
        if (tags.Count > max)
        {
            errors.Add(field, $"must have at most {max} tags");
            return result;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tags.Count; i++)
        {
            if (Rules.RequiredText(errors, $"{field}[{i}]", tags[i], MaxTagLength) is not { } text)
            {
                continue;
            }
            var tag = Normalize(text);
            if (!seen.Add(MatchKey(tag)))
            {
                errors.Add($"{field}[{i}]", "must not repeat a tag");
                continue;
            }
            result.Add(tag);
        }
        return result;
    }
}

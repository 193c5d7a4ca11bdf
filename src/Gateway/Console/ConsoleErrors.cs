using System.Text.RegularExpressions;

namespace GridActors.Gateway.Console;

/// <summary>
/// The API's field rules as a Chinese page says them. The API answers in one language (its rules are part of its
/// contract, and apps match on them); the console translates the rules staff meet most, by the rule's text, and shows
/// the API's own text for any rule not in the table, so a new rule is never hidden, only not yet translated.
/// </summary>
public static partial class ConsoleErrors
{
    private static readonly Dictionary<string, string> Exact = new(StringComparer.Ordinal)
    {
        ["is required and cannot be blank"] = "必填，不能为空",
        ["must not contain control characters"] = "不能包含控制字符",
        ["must contain only digits, spaces, dashes and a leading +"] = "只能包含数字、空格、短横线和开头的 +",
        ["must have 5 to 15 digits"] = "应为 5 到 15 位数字",
        ["must be an issue id (a GUID)"] = "应为事件编号（GUID）",
        ["is required: the id of the original issue"] = "必填：原事件的编号",
        ["is required: a whole number from 1 to 5"] = "必填：1 到 5 的整数",
        ["must be a date YYYY-MM-DD"] = "应为日期，格式 YYYY-MM-DD",
        ["must not be after to"] = "不能晚于结束日期",
        ["must be from 1 to 200"] = "应在 1 到 200 之间",
        ["a division code is required"] = "必填：区划代码",
        ["a division code has 6 (county), 9 (township), 12 (village) or 15 (grid) digits"] = "区划代码应为 6 位（县）、9 位（乡镇）、12 位（村）或 15 位（网格）",
        ["a division code has digits only"] = "区划代码只能是数字",
        ["must be a nextCursor value from a previous page"] = "应为上一页返回的 nextCursor",
        ["is required: a date YYYY-MM-DD (China time)"] = "必填：日期，格式 YYYY-MM-DD（北京时间）",
        ["must be a division code prefix: 2 (province), 4 (city), 6, 9, 12 or 15 digits"] = "应为区划代码前缀：2 位（省）、4 位（市）、6、9、12 或 15 位",
        ["must be 10 to 128 characters"] = "应为 10 到 128 个字符",
        ["is not the current password"] = "与当前密码不符",
        ["must differ from the current password"] = "不能与当前密码相同",
        ["must repeat the new password"] = "两次输入的新密码不一致",
        ["is locked after too many failed attempts; try again later"] = "尝试次数过多，已暂时锁定，请稍后再试",
    };

    private static readonly (Regex Rule, string Zh)[] Patterns =
    [
        (AtMostCharacters(), "最多 {0} 个字符"),
        (AtMostEntries(), "最多 {0} 项"),
        (NotAProvince(), "“{0}”不是省级代码"),
        (AtLeastOneOf(), "至少选择一项：{0}"),
    ];

    /// <summary>The rule in Chinese when the table knows it, otherwise the API's text as it came.</summary>
    public static string Zh(string rule)
    {
        if (Exact.TryGetValue(rule, out var zh))
        {
            return zh;
        }
        foreach (var (pattern, text) in Patterns)
        {
            if (pattern.Match(rule) is { Success: true } m)
            {
                return string.Format(System.Globalization.CultureInfo.InvariantCulture, text, m.Groups[1].Value);
            }
        }
        return rule;
    }

    public static string Say(string rule, bool english) => english ? rule : Zh(rule);

    [GeneratedRegex(@"^must be at most (\d+) characters$")]
    private static partial Regex AtMostCharacters();

    [GeneratedRegex(@"^must have at most (\d+) entries$")]
    private static partial Regex AtMostEntries();

    [GeneratedRegex(@"^must name at least one of (.+)$")]
    private static partial Regex AtLeastOneOf();

    [GeneratedRegex(@"^'(\d+)' is not a province code$")]
    private static partial Regex NotAProvince();
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace GridActors.Gateway.Import;

/// <summary>A column an import reads: its documented name, the other headers accepted for it (Chinese ones too), and whether it must be there.</summary>
public sealed record ImportColumn(string Name, bool Required, params string[] Aliases)
{
    /// <summary>
    /// The headers a phone column goes by in every import: counties keep one register's column names when they make the
    /// next, so a household sheet headed 手机号 must read like a member sheet headed so.
    /// </summary>
    public static readonly string[] PhoneAliases = ["电话", "联系电话", "手机", "手机号", "手机号码", "电话号码", "联系方式"];

    /// <summary>Headers are compared without case, spaces, underscores, hyphens and a trailing remark in brackets.</summary>
    public static string Normalize(string header)
    {
        var text = header.Trim().TrimStart('\uFEFF');
        var bracket = text.IndexOfAny(['(', '（']);
        if (bracket > 0)
        {
            text = text[..bracket];
        }
        return new string(text.Where(c => !char.IsWhiteSpace(c) && c is not ('_' or '-' or '*')).ToArray()).ToLowerInvariant();
    }

    public bool Matches(string header)
    {
        var normalized = Normalize(header);
        return normalized == Normalize(Name) || Aliases.Any(a => Normalize(a) == normalized);
    }
}

/// <summary>A row with its cells looked up by column name; blank cells read as null.</summary>
public sealed class ImportRow(int number, IReadOnlyDictionary<string, string?> values)
{
    public int Number { get; } = number;

    public string? this[string column] => values.TryGetValue(column, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}

/// <summary>Reading the values counties write in their sheets: 是/否, 男/女, dates as 2021-03-15, 2021/3/15, 2021年3月15日, 1975.03 or an Excel date number.</summary>
public static partial class ImportValues
{
    public static bool? Boolean(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "true" or "yes" or "y" or "1" or "是" or "√" or "有" => true,
        "false" or "no" or "n" or "0" or "否" or "×" or "无" => false,
        _ => null,
    };

    /// <summary>A date as YYYY-MM-DD for the validators; the text unchanged when it is not a date (the validator then names the rule).</summary>
    public static string? Date(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var t = text.Trim();
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is > 1000 and < 100_000 && !t.Contains('.'))
        {
            return DateOnly.FromDateTime(DateTime.FromOADate(serial)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        if (DateShape().Match(t) is { Success: true } m)
        {
            var year = int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture);
            var month = int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture);
            // 出生年月 is often written without the day: the first of the month.
            var day = m.Groups["d"].Success ? int.Parse(m.Groups["d"].Value, CultureInfo.InvariantCulture) : 1;
            if (month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
            {
                return new DateOnly(year, month, day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
        }
        return t;
    }

    [GeneratedRegex(@"^(?<y>\d{4})\s*[-/.年]\s*(?<m>\d{1,2})\s*(?:[-/.月]\s*(?:(?<d>\d{1,2})\s*日?)?)?$")]
    private static partial Regex DateShape();

    /// <summary>A list in one cell: 董屋组、汪屋组 or a, b; c or 书记兼主任.</summary>
    public static List<string> List(string? text) =>
        text is null ? [] : text.Split([',', '，', '、', ';', '；', '|', '/', '兼'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    public static string? Map(string? text, IReadOnlyDictionary<string, string> names) =>
        text is null ? null : names.TryGetValue(text.Trim(), out var name) ? name : text.Trim();
}

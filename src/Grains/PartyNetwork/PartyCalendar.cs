using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace GridActors.Grains.PartyNetwork;

/// <summary>
/// Party life is counted in China Standard Time (UTC+8, no daylight saving): an activity held on the evening of
/// the 31st belongs to that month whatever the server's zone, and a month ends at 00:00 of the 1st, Beijing time.
/// </summary>
public static class PartyCalendar
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(Offset).DateTime);

    /// <summary>The first instant of <paramref name="day"/> in China.</summary>
    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), Offset);

    /// <summary>The instant a day is over: 00:00 of the next day in China.</summary>
    public static DateTimeOffset EndOf(DateOnly day) => StartOf(day.AddDays(1));

    public static bool TryParseDate(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    public static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>A calendar month (YYYY-MM) in China Standard Time: the unit of the monthly activity check.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.PartyMonth")]
public readonly record struct PartyMonth : IComparable<PartyMonth>
{
    [Id(0)] public int Year { get; }
    [Id(1)] public int Month { get; }

    public PartyMonth(int year, int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        Year = year;
        Month = month;
    }

    public static PartyMonth Of(DateOnly day) => new(day.Year, day.Month);

    public static PartyMonth Of(DateTimeOffset at) => Of(PartyCalendar.Today(at));

    public DateOnly FirstDay => new(Year, Month, 1);

    public DateOnly LastDay => FirstDay.AddMonths(1).AddDays(-1);

    public DateTimeOffset Start => PartyCalendar.StartOf(FirstDay);

    /// <summary>00:00 of the next month's first day in China: the moment the month's check is due.</summary>
    public DateTimeOffset End => Next.Start;

    public PartyMonth Next => Month == 12 ? new(Year + 1, 1) : new(Year, Month + 1);

    public PartyMonth Previous => Month == 1 ? new(Year - 1, 12) : new(Year, Month - 1);

    public bool Contains(DateOnly day) => day.Year == Year && day.Month == Month;

    public int CompareTo(PartyMonth other) => (Year, Month).CompareTo((other.Year, other.Month));

    public static bool operator <(PartyMonth a, PartyMonth b) => a.CompareTo(b) < 0;
    public static bool operator >(PartyMonth a, PartyMonth b) => a.CompareTo(b) > 0;
    public static bool operator <=(PartyMonth a, PartyMonth b) => a.CompareTo(b) <= 0;
    public static bool operator >=(PartyMonth a, PartyMonth b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Year:D4}-{Month:D2}";

    public static bool TryParse(string? text, [NotNullWhen(true)] out PartyMonth? month)
    {
        month = null;
        if (text is not { Length: 7 } || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            || year < 2000 || m is < 1 or > 12)
        {
            return false;
        }
        month = new PartyMonth(year, m);
        return true;
    }

    public static PartyMonth Parse(string text) => TryParse(text, out var month) ? month.Value : throw new FormatException($"'{text}' is not a month YYYY-MM");
}

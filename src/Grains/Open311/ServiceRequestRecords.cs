using System.Globalization;
using GridActors.Grains.Stats;
using GridActors.Grains.Units;

namespace GridActors.Grains.Open311;

/// <summary>
/// An issue as the Open311 register knows it (诉求登记): enough to find it by county, day and service code
/// without reading the issue, and what Open311 carries that the issue does not (media_url).
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.ServiceRequestEntry")]
public sealed record ServiceRequestEntry(Guid IssueId, DateTimeOffset RequestedAt, string ServiceCode, string? MediaUrl = null);

/// <summary>Requests of one county reported from <see cref="From"/> to <see cref="To"/> (inclusive), of any of <see cref="ServiceCodes"/> (all when null).</summary>
[GenerateSerializer, Immutable, Alias("GridActors.ServiceRequestQuery")]
public sealed record ServiceRequestQuery(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<string>? ServiceCodes = null);

/// <summary>Typed access to the Open311 register grains.</summary>
public static class ServiceRequestGrainFactoryExtensions
{
    public static IServiceRequestRegisterGrain GetServiceRequestRegister(this IGrainFactory grains, CountyCode county) =>
        grains.GetGrain<IServiceRequestRegisterGrain>(county.ToString());

    /// <summary>The requests of a county reported on one day (China time).</summary>
    public static IServiceRequestDayGrain GetServiceRequestDay(this IGrainFactory grains, CountyCode county, DateOnly day) =>
        grains.GetGrain<IServiceRequestDayGrain>(ServiceRequestDays.Key(county, day));

    public static IServiceRequestDayGrain GetServiceRequestDay(this IGrainFactory grains, CountyCode county, DateTimeOffset requestedAt) =>
        grains.GetServiceRequestDay(county, StatsCalendar.Day(requestedAt));
}

public static class ServiceRequestDays
{
    /// <summary><c>340822-20260302</c>: the dash keeps the key from being all digits (the storage would read it as a number).</summary>
    public static string Key(CountyCode county, DateOnly day) =>
        string.Create(CultureInfo.InvariantCulture, $"{county}-{day:yyyyMMdd}");

    /// <summary>Every China-time day from the day of <paramref name="from"/> to the day of <paramref name="to"/>.</summary>
    public static IEnumerable<DateOnly> Between(DateTimeOffset from, DateTimeOffset to)
    {
        for (var day = StatsCalendar.Day(from); day <= StatsCalendar.Day(to); day = day.AddDays(1))
        {
            yield return day;
        }
    }
}

using System.Globalization;
using System.Text;

namespace GridActors.Grains.Queues;

/// <summary>An opaque paging cursor: the position (arrival time, issue id) of the last item of a page.</summary>
public static class QueueCursor
{
    public static string Write(QueueEntry last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.ArrivedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{last.IssueId:N}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryRead(string cursor, out DateTimeOffset at, out Guid id)
    {
        at = default;
        id = default;
        if (cursor.Length > 100)
        {
            return false;
        }
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks && Guid.TryParseExact(parts[1], "N", out id))
            {
                at = new DateTimeOffset(ticks, TimeSpan.Zero);
                return true;
            }
        }
        catch (FormatException)
        {
        }
        return false;
    }
}

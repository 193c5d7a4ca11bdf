namespace GridActors.Grains.Stats;

/// <summary>
/// Log-linear histogram of durations in whole seconds: exact below 128 s, then 128 buckets per power of two
/// (at most 0.8% wide). A bucket's value is its lower bound, so durations that are whole multiples of the
/// bucket width (e.g. 1 h = 225 × 16 s) are kept exactly. Fixed-size buckets let histograms be added
/// up the tree, which exact lists of durations could not be at province scale.
/// </summary>
public static class DurationHistogram
{
    private const int SubBuckets = 128;
    private const int SubBits = 7;

    public static int Bucket(TimeSpan duration)
    {
        var seconds = Math.Max(0L, (long)duration.TotalSeconds);
        if (seconds < SubBuckets)
        {
            return (int)seconds;
        }
        var exponent = 63 - (int)long.LeadingZeroCount(seconds); // floor(log2), ≥ 7
        var shift = exponent - SubBits;
        var sub = (int)(seconds >> shift) - SubBuckets;
        return SubBuckets + (shift * SubBuckets) + sub;
    }

    public static long LowerBound(int bucket)
    {
        if (bucket < SubBuckets)
        {
            return bucket;
        }
        var shift = (bucket - SubBuckets) / SubBuckets;
        var sub = (bucket - SubBuckets) % SubBuckets;
        return (long)(SubBuckets + sub) << shift;
    }

    /// <summary>The median (mean of the two middle values for an even count); null when empty.</summary>
    public static TimeSpan? Median(IReadOnlyDictionary<int, long> buckets)
    {
        var count = buckets.Values.Sum();
        if (count <= 0)
        {
            return null;
        }
        var lowRank = (count + 1) / 2; // 1-based ranks of the middle value(s)
        var highRank = (count / 2) + 1;
        long? low = null, high = null;
        long seen = 0;
        foreach (var (bucket, n) in buckets.OrderBy(b => b.Key))
        {
            seen += n;
            if (low is null && seen >= lowRank)
            {
                low = LowerBound(bucket);
            }
            if (seen >= highRank)
            {
                high = LowerBound(bucket);
                break;
            }
        }
        var seconds = count % 2 == 1 ? low!.Value : (low!.Value + high!.Value) / 2.0;
        return TimeSpan.FromSeconds(seconds);
    }
}

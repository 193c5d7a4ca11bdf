using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace GridActors.Gateway.Access;

/// <summary>
/// Requests a second per API key (<see cref="RateLimitSettings"/>), or per address for requests without one; over it,
/// 429 with <c>Retry-After</c>. Checked before the key itself, so a flood of made-up keys never reaches the key grains.
/// </summary>
/// <remarks>
/// A token bucket per key: it refills continuously at <c>PermitsPerSecond</c> up to <c>Burst</c>. Buckets are found by
/// the hash of the key as sent (the secret itself is not kept). ASP.NET Core's partitioned rate limiter did the same
/// with a partition, a lease and a string made for every request under one lock: 3 % of a GET's CPU (perf). A bucket
/// that has refilled to the brim holds nothing a new one would not, so when there are many, full ones are dropped.
/// </remarks>
internal sealed class RateLimits(IOptions<RateLimitSettings> settings, IProblemDetailsService problems)
{
    /// <summary>Buckets kept before full ones are dropped (at most once a second).</summary>
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<Partition, Bucket> _buckets = new();
    private long _nextSweep;

    /// <summary>True when the request may go on; false when it was answered 429 (<see cref="AccessGate"/>).</summary>
    public ValueTask<bool> Admit(HttpContext http)
    {
        var path = http.Request.Path;
        if (path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics"))
        {
            return ValueTask.FromResult(true);
        }
        var limits = settings.Value;
        var now = Stopwatch.GetTimestamp();
        var bucket = _buckets.GetOrAdd(Partition.Of(http), static (_, state) => new Bucket(state.Burst, state.Now), (limits.Burst, Now: now));
        if (!bucket.TryTake(limits, now, out var wait))
        {
            return Refuse(http, limits, wait);
        }
        // Counting takes every lock of the dictionary: once a second at most.
        if (now > Interlocked.Read(ref _nextSweep) && Interlocked.Exchange(ref _nextSweep, now + Stopwatch.Frequency) < now
            && _buckets.Count > SweepAbove)
        {
            foreach (var (partition, kept) in _buckets)
            {
                if (kept.IsFull(limits, now))
                {
                    _buckets.TryRemove(partition, out _);
                }
            }
        }
        return ValueTask.FromResult(true);
    }

    private async ValueTask<bool> Refuse(HttpContext http, RateLimitSettings limits, TimeSpan wait)
    {
        var retry = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"This key may send {limits.PermitsPerSecond} requests a second (bursts of {limits.Burst}). Retry after {retry} s.",
                Type = "https://gridactors.org/problems/rate-limited",
            },
        });
        return false;
    }

    /// <summary>A key (by the hash of what was sent) or, for a request without one, an address.</summary>
    private readonly record struct Partition(bool Keyed, int KeyHash, IPAddress? Address)
    {
        public static Partition Of(HttpContext http) =>
            http.Request.Headers[ApiKeyAuthenticationHandler.Header].ToString() is { Length: > 0 } key
                ? new Partition(true, key.GetHashCode(StringComparison.Ordinal), null)
                : new Partition(false, 0, http.Connection.RemoteIpAddress);
    }

    private sealed class Bucket(int burst, long now)
    {
        private readonly Lock _gate = new();
        private double _tokens = burst;
        private long _refilledAt = now;

        public bool TryTake(RateLimitSettings limits, long now, out TimeSpan wait)
        {
            lock (_gate)
            {
                Refill(limits, now);
                if (_tokens >= 1)
                {
                    _tokens--;
                    wait = TimeSpan.Zero;
                    return true;
                }
                wait = TimeSpan.FromSeconds((1 - _tokens) / Math.Max(1, limits.PermitsPerSecond));
                return false;
            }
        }

        public bool IsFull(RateLimitSettings limits, long now)
        {
            lock (_gate)
            {
                Refill(limits, now);
                return _tokens >= limits.Burst;
            }
        }

        private void Refill(RateLimitSettings limits, long now)
        {
            if (now > _refilledAt)
            {
                _tokens = Math.Min(limits.Burst, _tokens + Stopwatch.GetElapsedTime(_refilledAt, now).TotalSeconds * limits.PermitsPerSecond);
                _refilledAt = now;
            }
        }
    }
}

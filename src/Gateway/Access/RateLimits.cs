using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using GridActors.Gateway.Hosting;
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
    private readonly ConcurrentDictionary<IPAddress, Bucket> _failedKeys = new();
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

    /// <summary>
    /// Whether a request from this address may have a key looked up: false once the address has sent
    /// <c>FailedKeysBurst</c> keys that were not known, until its bucket refills (<c>FailedKeysPerMinute</c>). A made-up
    /// key gets a bucket of its own in <see cref="Admit"/>, so without this a flood of invented keys was never limited.
    /// </summary>
    public bool MayTryKey(HttpContext http, out TimeSpan wait)
    {
        wait = TimeSpan.Zero;
        return http.Connection.RemoteIpAddress is not { } address || !_failedKeys.TryGetValue(address, out var bucket)
            || bucket.HasToken(FailedKeyLimits, Stopwatch.GetTimestamp(), out wait);
    }

    /// <summary>Counts a key from this address that was not known.</summary>
    public void CountFailedKey(HttpContext http)
    {
        if (http.Connection.RemoteIpAddress is not { } address)
        {
            return;
        }
        var limits = FailedKeyLimits;
        var now = Stopwatch.GetTimestamp();
        if (_failedKeys.Count > SweepAbove)
        {
            foreach (var (kept, bucket) in _failedKeys)
            {
                if (bucket.IsFull(limits, now))
                {
                    _failedKeys.TryRemove(kept, out _);
                }
            }
        }
        _failedKeys.GetOrAdd(address, static (_, state) => new Bucket(state.Burst, state.Now), (limits.Burst, Now: now)).TryTake(limits, now, out _);
    }

    public ValueTask RefuseFailedKeys(HttpContext http, TimeSpan wait) =>
        Write(http, wait, $"Too many unknown keys from this address: at most {settings.Value.FailedKeysBurst}, then {settings.Value.FailedKeysPerMinute} a minute.");

    /// <summary>The failed-key bucket in the terms of the request buckets: permits a second and a burst.</summary>
    private RateLimitSettings FailedKeyLimits => _failedKeyLimits ??= new()
    {
        PermitsPerSecond = Math.Max(1, settings.Value.FailedKeysPerMinute) / 60.0,
        Burst = Math.Max(1, settings.Value.FailedKeysBurst),
    };

    private RateLimitSettings? _failedKeyLimits;

    private async ValueTask<bool> Refuse(HttpContext http, RateLimitSettings limits, TimeSpan wait)
    {
        await Write(http, wait, $"This key may send {limits.PermitsPerSecond} requests a second (bursts of {limits.Burst}).");
        return false;
    }

    private async ValueTask Write(HttpContext http, TimeSpan wait, string what)
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
                Detail = $"{what} Retry after {retry} s.",
                Type = ProblemTypes.RateLimited,
            },
        });
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
                wait = TimeSpan.FromSeconds((1 - _tokens) / Math.Max(0.001, limits.PermitsPerSecond));
                return false;
            }
        }

        public bool HasToken(RateLimitSettings limits, long now, out TimeSpan wait)
        {
            lock (_gate)
            {
                Refill(limits, now);
                wait = _tokens >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - _tokens) / Math.Max(0.001, limits.PermitsPerSecond));
                return _tokens >= 1;
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

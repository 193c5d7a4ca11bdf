using System.Collections.Concurrent;
using System.Text.Json;
using GridActors.Grains.Units;
using Microsoft.Extensions.Options;

namespace GridActors.Gateway.Apis;

/// <summary>
/// The JSON answers of <c>GET /api/v1/{units}/{code}</c> this gateway last sent, each with the unit's revision.
/// </summary>
/// <remarks>
/// A unit is read far more often than it changes (every app showing a grid reads it). Each GET still asks the unit grain
/// (<see cref="IUnitGrain.Read"/>), which is the only one to know whether its unit changed, but passes the revision of
/// the answer kept here: when nothing changed the grain answers with the revision alone and the kept bytes are sent
/// again, so the view is neither copied out of the grain nor serialized. The revision is the storage's ETag, which every
/// stored change moves, so a kept answer is never sent for a unit that changed since, on this gateway or any other.
/// Bounded: past <see cref="Capacity"/> units the cache starts over (a county has about 2,300 units).
/// </remarks>
public sealed class UnitAnswerCache(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    public const int Capacity = 20_000;

    private readonly ConcurrentDictionary<string, UnitAnswer> _answers = new(StringComparer.Ordinal);

    /// <summary>The answer for the unit, from the grain or, when the grain says it is unchanged, kept; null when not registered.</summary>
    public async Task<UnitAnswer?> Read(IUnitGrain unit, string code)
    {
        _answers.TryGetValue(code, out var kept);
        var read = await unit.Read(kept?.Revision);
        if (read.View is null && read.Revision is not null)
        {
            // Unchanged since the kept answer, unless that answer was replaced meanwhile: then ask for the unit itself.
            if (_answers.TryGetValue(code, out var current) && current.Revision == read.Revision)
            {
                return current;
            }
            read = await unit.Read(null);
        }
        if (read.View is null)
        {
            return null;
        }
        var answer = new UnitAnswer(read.Revision, read.View.Version, JsonSerializer.SerializeToUtf8Bytes(UnitResponse.From(read.View), json.Value.SerializerOptions));
        if (read.Revision is not null)
        {
            if (_answers.Count >= Capacity)
            {
                _answers.Clear();
            }
            _answers[code] = answer;
        }
        return answer;
    }
}

/// <summary>A unit's answer: the revision it was made from, the unit's version (its ETag) and the JSON body.</summary>
public sealed record UnitAnswer(string? Revision, long Version, byte[] Json);

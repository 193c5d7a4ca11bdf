using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridActors.Gateway.Apis;

/// <summary>What the Party network's APIs share: Idempotency-Key handling, answers from grain results, paging.</summary>
internal static class PartyApiSupport
{
    public const int MaxIdempotencyKey = 200;
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>
    /// The Idempotency-Key header, scoped to the calling key (<see cref="ScopedToCaller"/>): empty when not sent.
    /// </summary>
    public static string IdempotencyKey(HttpContext http, ValidationErrors errors)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > MaxIdempotencyKey || key.Any(char.IsControl))
        {
            errors.Add("Idempotency-Key", $"must be at most {MaxIdempotencyKey} printable characters");
        }
        return ScopedToCaller(http, key);
    }

    /// <summary>
    /// An Idempotency-Key as only its caller can use it: the record id is derived from it (with the operation's scope),
    /// so another caller who sends the same key (guessed, or a common one like "1") makes its own record instead of
    /// being answered the first caller's.
    /// </summary>
    public static string ScopedToCaller(HttpContext http, string key)
    {
        if (key.Length == 0)
        {
            return key;
        }
        return IdempotencyScope.For(http.Caller().Id, key);
    }

    /// <summary>
    /// The id of a new record: derived from the scope and the Idempotency-Key, so a retry reaches what the first
    /// attempt created and no key table is needed; a fresh time-ordered id without a key.
    /// </summary>
    public static Guid NewId(string scope, string key)
    {
        if (key.Length == 0)
        {
            return Guid.CreateVersion7();
        }
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"gridactors/{scope}/{key}")).AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80); // version 8, in Guid's byte order
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes);
    }

    /// <summary>A hash of what was asked: the same key with another body is refused (422).</summary>
    public static string Fingerprint<T>(T request) => Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request)));

    public static DateOnly Today(Grains.Infrastructure.GridClock clock) => PartyCalendar.Today(clock.GetUtcNow());

    /// <summary>A month=YYYY-MM query value; this month (China time) when absent.</summary>
    public static PartyMonth Month(string? text, ValidationErrors errors, Grains.Infrastructure.GridClock clock, string field = "month")
    {
        var current = PartyMonth.Of(clock.GetUtcNow());
        if (text is null)
        {
            return current;
        }
        if (!PartyMonth.TryParse(text, out var month))
        {
            errors.Add(field, "must be a month YYYY-MM");
            return current;
        }
        if (month.Value > current)
        {
            errors.Add(field, $"must not be after this month ({current})");
        }
        return month.Value;
    }

    public static Guid? ParseId(string? text, string field, string what, ValidationErrors errors)
    {
        if (Guid.TryParse(text, out var id))
        {
            return id;
        }
        errors.Add(field, text is null ? $"is required: {what}" : $"must be {what}");
        return null;
    }

    /// <summary>A page of an ordered list: the cursor is the offset of the next item, opaque to callers.</summary>
    public static ListResponse<T> Page<T>(IReadOnlyList<T> items, int offset, int limit)
    {
        var page = items.Skip(offset).Take(limit).ToArray();
        var next = offset + page.Length < items.Count ? (offset + page.Length).ToString(CultureInfo.InvariantCulture) : null;
        return new ListResponse<T>(page, next, items.Count);
    }

    public static ListResponse<T> All<T>(IReadOnlyList<T> items) => new(items, null, items.Count);

    public static (int Offset, int Limit) Paging(string? cursor, int? limit, ValidationErrors errors)
    {
        var offset = 0;
        if (cursor is not null && (!int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            errors.Add("cursor", "must be a nextCursor value from a previous page");
        }
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"must be from 1 to {MaxLimit}");
        }
        return (offset, limit ?? DefaultLimit);
    }

    /// <summary>
    /// The HTTP answer for a grain's result. A create answers 201 at <paramref name="location"/>; a replayed
    /// Idempotency-Key answers 201 too, with <c>Idempotent-Replayed: true</c>, like reporting an issue.
    /// </summary>
    public static Results<Ok<TOut>, Created<TOut>, ValidationProblem, ProblemHttpResult> Answer<TIn, TOut>(
        PartyResult<TIn> result, Func<TIn, TOut> map, HttpContext http, Func<TIn, string>? location = null)
    {
        switch (result.Status)
        {
            case PartyStatus.Done:
                var value = result.Value!;
                if (location is null)
                {
                    return TypedResults.Ok(map(value));
                }
                if (!result.Created)
                {
                    http.Response.Headers["Idempotent-Replayed"] = "true";
                }
                return TypedResults.Created(location(value), map(value));
            case PartyStatus.Invalid:
                return Problems.Invalid(result.Field!, result.Message!);
            default:
                return Refusal(result);
        }
    }

    /// <summary>
    /// The HTTP answer for a command on something that exists (a transfer, a split, a report): 200, never 201, so
    /// the OpenAPI document does not offer integrators a Created answer (and an Idempotency-Key) it never gives.
    /// </summary>
    public static Results<Ok<TOut>, ValidationProblem, ProblemHttpResult> Changed<TIn, TOut>(PartyResult<TIn> result, Func<TIn, TOut> map) =>
        result.Status switch
        {
            PartyStatus.Done => TypedResults.Ok(map(result.Value!)),
            PartyStatus.Invalid => Problems.Invalid(result.Field!, result.Message!),
            _ => Refusal(result),
        };

    private static ProblemHttpResult Refusal<T>(PartyResult<T> result) => result.Status switch
    {
        PartyStatus.NotFound => Problems.NotFound(result.Message!),
        PartyStatus.Conflict => Problems.Conflict("Not allowed in the current state", result.Message!),
        PartyStatus.Stale => Problems.PreconditionFailed(result.Message!),
        _ => TypedResults.Problem(title: "Idempotency-Key reused", detail: $"The Idempotency-Key {result.Message}.",
            statusCode: StatusCodes.Status422UnprocessableEntity, type: ProblemTypes.IdempotencyKeyReused),
    };
}

/// <summary>An Idempotency-Key within the scope of one caller (its key id, or a signed-in staff member's subject).</summary>
public static class IdempotencyScope
{
    public static string For(string callerId, string key) => string.Create(CultureInfo.InvariantCulture, $"{callerId.Length}:{callerId}/{key}");
}

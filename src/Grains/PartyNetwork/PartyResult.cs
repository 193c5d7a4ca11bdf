namespace GridActors.Grains.PartyNetwork;

/// <summary>How a command to a Party-network grain ended; the gateway maps each to an HTTP status.</summary>
public enum PartyStatus
{
    Done,
    /// <summary>The thing addressed does not exist (404).</summary>
    NotFound,
    /// <summary>The input breaks a rule only the grain can check, named by field (400).</summary>
    Invalid,
    /// <summary>The request is fine but the current state forbids it (409).</summary>
    Conflict,
    /// <summary>An Idempotency-Key was reused with another body (422).</summary>
    IdempotencyMismatch,
    /// <summary>If-Match named an older version (412).</summary>
    Stale,
}

/// <summary>The answer of a Party-network command: the value when done, or the field and rule that stopped it.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.PartyResult`1")]
public sealed record PartyResult<T>(PartyStatus Status, T? Value = default, string? Field = null, string? Message = null, bool Created = false);

public static class PartyResult
{
    public static PartyResult<T> Ok<T>(T value, bool created = false) => new(PartyStatus.Done, value, Created: created);
    public static PartyResult<T> NotFound<T>(string message) => new(PartyStatus.NotFound, Message: message);
    public static PartyResult<T> Invalid<T>(string field, string rule) => new(PartyStatus.Invalid, Field: field, Message: rule);
    public static PartyResult<T> Conflict<T>(string message) => new(PartyStatus.Conflict, Message: message);
    public static PartyResult<T> Stale<T>(string message) => new(PartyStatus.Stale, Message: message);

    public static PartyResult<T> Mismatch<T>() => new(PartyStatus.IdempotencyMismatch, Field: "Idempotency-Key",
        Message: "was already used for a different request; send a new key for a new record");

    /// <summary>The same failure, carrying another value type.</summary>
    public static PartyResult<TOut> As<TIn, TOut>(this PartyResult<TIn> failure) =>
        new(failure.Status, default, failure.Field, failure.Message);
}

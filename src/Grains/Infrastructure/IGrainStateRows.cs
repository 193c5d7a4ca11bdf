namespace GridActors.Grains.Infrastructure;

/// <summary>
/// Grain state kept as many rows instead of one: a head row named <c>name</c> and item rows named <c>name/key</c>,
/// read together when the grain activates and written one item at a time. For state that is a growing collection (a
/// unit's queue, the notices a grid has counted): written as one row, every change would rewrite the whole collection,
/// so a change would cost more the longer the collection. The grain storage <see cref="StorageNames.Grains"/>
/// implements it (docs/storage.md).
/// </summary>
public interface IGrainStateRows
{
    /// <summary>Every row of <paramref name="grain"/> whose state name starts with <paramref name="prefix"/>, cleared rows included.</summary>
    Task<IReadOnlyList<StoredRow>> ReadAll(GrainId grain, string prefix);

    BinaryData Serialize<T>(T value);

    T Deserialize<T>(BinaryData payload);

    /// <summary>
    /// Writes the rows in one transaction, all or nothing. Each names the version it expects (null: no row yet); if any
    /// row is not at its version, nothing is written and <see cref="Orleans.Storage.InconsistentStateException"/> is thrown.
    /// Answers the new versions, in order.
    /// </summary>
    Task<string[]> Write(GrainId grain, IReadOnlyList<RowWrite> rows);

    /// <summary>
    /// As <see cref="Write(GrainId, IReadOnlyList{RowWrite})"/>, and in the same transaction stores or removes notices in
    /// inboxes (<see cref="InboxPost"/>): a sender's change and the notices it owes commit together; a receiver's write and
    /// the removal of the notices it has taken in commit together (docs/escalation.md).
    /// </summary>
    Task<string[]> Write(GrainId grain, IReadOnlyList<RowWrite> rows, IReadOnlyList<InboxPost> posts);

    /// <summary>
    /// As <see cref="Write(GrainId, IReadOnlyList{RowWrite}, IReadOnlyList{InboxPost})"/>, and in the same transaction
    /// appends <paramref name="appends"/> to the durable event stream <see cref="StreamNames.Provider"/>: the change and
    /// the events it owes commit together or not at all (a row at a stale version writes neither). Each event is then
    /// delivered at least once to the grains implicitly subscribed to its stream's namespace (docs/event-path.md).
    /// </summary>
    Task<string[]> Write(GrainId grain, IReadOnlyList<RowWrite> rows, IReadOnlyList<InboxPost> posts, IReadOnlyList<StreamAppend> appends);

    /// <summary>The notices waiting in <paramref name="receiver"/>'s inbox, oldest first.</summary>
    Task<IReadOnlyList<(Guid Notice, BinaryData Payload)>> ReadInbox(GrainId receiver);
}

/// <summary>
/// A notice for <see cref="Receiver"/>'s inbox (a payload), or its removal once the receiver has stored what it says (no
/// payload). A notice is written once and never changed: stored again by a retried write, it is left as it was; removed
/// twice, the second removal changes nothing. Notices are kept in one log ordered by their time-ordered ids, so a busy
/// service appends them in one place instead of writing into every receiver's rows.
/// </summary>
public sealed record InboxPost(GrainId Receiver, Guid Notice, BinaryData? Payload);

/// <summary>
/// A grain state whose write also posts notices to other grains' inboxes, in the same transaction (the grain storage
/// <see cref="StorageNames.Grains"/> stores <see cref="Posts"/> with the state and the grain empties it after the write).
/// </summary>
public interface IPostsToInboxes
{
    IReadOnlyList<InboxPost> Posts { get; }
}

/// <summary>
/// A grain state whose write also appends events to the durable stream, in the same transaction (the grain storage
/// <see cref="StorageNames.Grains"/> stores <see cref="Appends"/> with the state and the grain empties them after the write).
/// </summary>
public interface IAppendsEvents
{
    IReadOnlyList<StreamAppend> Appends { get; }
}

/// <summary>
/// An event for <see cref="Stream"/> on the durable stream <see cref="StreamNames.Provider"/>, stored with the change that
/// owes it. The event is serialized with Orleans' serializer (so it must be <c>[GenerateSerializer]</c>) and delivered as
/// the same type.
/// </summary>
public sealed record StreamAppend(StreamId Stream, object Event);

/// <summary>A stored row: its state name, its version and its payload (null once cleared).</summary>
public sealed record StoredRow(string StateName, string ETag, BinaryData? Payload);

/// <summary>A row to write (a null payload clears it) over the version <see cref="ETag"/> (null: no row yet).</summary>
public sealed record RowWrite(string StateName, string? ETag, BinaryData? Payload);

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
    /// As <see cref="Write(GrainId, IReadOnlyList{RowWrite})"/>, and in the same transaction stores <paramref name="posts"/>
    /// in other grains' inboxes: a sender's change and the notices it owes commit together (docs/escalation.md).
    /// </summary>
    Task<string[]> Write(GrainId grain, IReadOnlyList<RowWrite> rows, IReadOnlyList<InboxPost> posts);
}

/// <summary>What a row write does.</summary>
public enum RowKind
{
    /// <summary>Writes over the version the writer holds (null: no row yet), or clears with a null payload.</summary>
    Versioned,
    /// <summary>Removes the row, whatever its version; a row already gone is not a conflict. For inbox rows.</summary>
    Delete,
}

/// <summary>
/// A notice stored in another grain's inbox, a row of that grain named <c>head/inbox/notice id</c>, written once and never
/// changed: stored again (a retried write), it is left as it was. The grain owning the row deletes it once the notice is
/// in its own rows.
/// </summary>
public sealed record InboxPost(GrainId Grain, string StateName, BinaryData Payload);

/// <summary>
/// A grain state whose write also posts notices to other grains' inboxes, in the same transaction (the grain storage
/// <see cref="StorageNames.Grains"/> stores <see cref="Posts"/> with the state and the grain empties it after the write).
/// </summary>
public interface IPostsToInboxes
{
    IReadOnlyList<InboxPost> Posts { get; }
}

/// <summary>A stored row: its state name, its version and its payload (null once cleared).</summary>
public sealed record StoredRow(string StateName, string ETag, BinaryData? Payload);

/// <summary>A row to write (a null payload clears it) over the version <see cref="ETag"/> (null: no row yet).</summary>
public sealed record RowWrite(string StateName, string? ETag, BinaryData? Payload)
{
    public RowKind Kind { get; init; } = RowKind.Versioned;
}

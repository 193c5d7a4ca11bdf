using System.Data.Common;
using System.Globalization;
using GridActors.Grains.Audit;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace GridActors.Silo.Storage;

/// <summary>The statements of <see cref="AuditLogStore"/> on table <c>audit_log</c> (schema: Sql/&lt;provider&gt;/schema).</summary>
internal abstract class AuditLogSql
{
    public static AuditLogSql For(StorageProvider provider) =>
        provider == StorageProvider.PostgreSQL ? new PostgresAuditLogSql() : new SqliteAuditLogSql();

    /// <summary>Inserts the reads, in order, in the transaction.</summary>
    public abstract void Insert(DbConnection connection, DbTransaction transaction, string serviceId, IReadOnlyList<AuditRead> reads);

    /// <summary>The page the query asks for (one entry more than its limit is read, to know whether more follow) and the count of its scope.</summary>
    public abstract Task<AuditPage> Read(DbConnection connection, string serviceId, AuditQuery query);

    protected static async Task<AuditPage> Page(DbDataReader reader, AuditQuery query, Func<DbDataReader, int, DateTimeOffset> at)
    {
        var entries = new List<AuditEntry>(Math.Min(query.Limit, 64));
        var more = false;
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            if (entries.Count == query.Limit)
            {
                more = true;
                break;
            }
            entries.Add(new AuditEntry(reader.GetInt64(0), at(reader, 1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        }
        return new AuditPage(entries, more, 0);
    }
}

/// <summary>
/// PostgreSQL: a batch's reads go in one statement (arrays unnested in order), after an advisory lock held until the commit.
/// The lock makes the writers of all silos commit one after another, so ids become visible in the order they were given:
/// without it, a transaction that took id 10 could commit after one that took id 11, and a reader who had paged past 11
/// would never see 10. It costs the audit log's writers a turn each; they insert a batch per turn, and nothing else waits.
/// </summary>
internal sealed class PostgresAuditLogSql : AuditLogSql
{
    // Any constant nothing else in the database uses; spells "GRIDAUDT".
    private const long AppendLockKey = 0x4752_4944_4155_4454;

    private const string LockSql = "SELECT pg_advisory_xact_lock($1)";

    private const string InsertSql =
        "INSERT INTO audit_log (service_id, county, day, at, key_id, app, what, unit) " +
        "SELECT $1, r.county, r.day, r.at, r.key_id, r.app, r.what, r.unit " +
        "FROM unnest($2::text[], $3::date[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[]) " +
        "WITH ORDINALITY AS r(county, day, at, key_id, app, what, unit, n) ORDER BY r.n";

    // Every entry of a county's log has a unit in the county: the unit is tested only for a scope inside the county.
    private const string PageSql =
        "SELECT id, at, key_id, app, what, unit FROM audit_log " +
        "WHERE service_id = $1 AND county = $2 AND day = $3 AND id > $4 AND ($5 = $2 OR starts_with(unit, $5)) ORDER BY id LIMIT $6";

    private const string CountSql =
        "SELECT count(*) FROM audit_log WHERE service_id = $1 AND county = $2 AND day = $3 AND ($4 = $2 OR starts_with(unit, $4))";

    public override void Insert(DbConnection connection, DbTransaction transaction, string serviceId, IReadOnlyList<AuditRead> reads)
    {
        using var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        var lockCommand = new NpgsqlBatchCommand(LockSql);
        lockCommand.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = AppendLockKey });
        batch.BatchCommands.Add(lockCommand);
        var insert = new NpgsqlBatchCommand(InsertSql);
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = serviceId });
        insert.Parameters.Add(Texts(reads.Select(r => AuditQuery.CountyOf(r.Unit))));
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date, Value = reads.Select(r => r.Day).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = reads.Select(r => r.At.UtcDateTime).ToArray() });
        insert.Parameters.Add(Texts(reads.Select(r => r.KeyId)));
        insert.Parameters.Add(Texts(reads.Select(r => r.App)));
        insert.Parameters.Add(Texts(reads.Select(r => r.What)));
        insert.Parameters.Add(Texts(reads.Select(r => r.Unit)));
        batch.BatchCommands.Add(insert);
        // Prepared on the store's kept connection: the same two statements run for every batch.
        batch.Prepare();
        batch.ExecuteNonQuery();
    }

    public override async Task<AuditPage> Read(DbConnection connection, string serviceId, AuditQuery query)
    {
        // One snapshot for the page and the count, so the total counts the entries the pages show.
        await using var transaction = await ((NpgsqlConnection)connection).BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch((NpgsqlConnection)connection, transaction);
        var page = new NpgsqlBatchCommand(PageSql);
        AddScope(page, serviceId, query);
        page.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = query.After });
        page.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = query.Scope });
        page.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = query.Limit + 1 });
        var count = new NpgsqlBatchCommand(CountSql);
        AddScope(count, serviceId, query);
        count.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = query.Scope });
        batch.BatchCommands.Add(page);
        batch.BatchCommands.Add(count);
        await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        var result = await Page(reader, query, (r, i) => new DateTimeOffset(r.GetFieldValue<DateTime>(i), TimeSpan.Zero)).ConfigureAwait(false);
        // Page stops reading after one row past the limit; the rest of the first result is skipped by NextResult.
        await reader.NextResultAsync().ConfigureAwait(false);
        await reader.ReadAsync().ConfigureAwait(false);
        var total = checked((int)reader.GetInt64(0));
        await reader.DisposeAsync().ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
        return result with { Total = total };
    }

    private static void AddScope(NpgsqlBatchCommand command, string serviceId, AuditQuery query)
    {
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = serviceId });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = query.County });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Date, Value = query.Day });
    }

    private static NpgsqlParameter Texts(IEnumerable<string> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };
}

/// <summary>
/// SQLite: the database is a file in this process, so a row per statement costs no round trip; one writer at a time, so
/// ids are given in commit order without a lock of the log's own.
/// </summary>
internal sealed class SqliteAuditLogSql : AuditLogSql
{
    private const string InsertSql =
        "INSERT INTO audit_log (service_id, county, day, at, key_id, app, what, unit) " +
        "VALUES (@service, @county, @day, @at, @key, @app, @what, @unit)";

    private const string County = "service_id = @service AND county = @county AND day = @day";

    // Every entry of a county's log has a unit in the county: the unit is tested only for a scope inside the county (a
    // county's count then reads the index alone, a third of the time of testing each entry's unit).
    private const string Inside = " AND substr(unit, 1, length(@scope)) = @scope";

    private const string Select = "SELECT id, at, key_id, app, what, unit FROM audit_log WHERE ";

    private const string Next = " AND id > @after ORDER BY id LIMIT @limit";

    private const string CountAll = "SELECT count(*) FROM audit_log WHERE ";

    /// <summary>(page, count) for a whole county, and for a scope inside it.</summary>
    private static readonly (string Page, string Count) WholeCounty = (Select + County + Next, CountAll + County);

    private static readonly (string Page, string Count) InsideCounty = (Select + County + Inside + Next, CountAll + County + Inside);

    public override void Insert(DbConnection connection, DbTransaction transaction, string serviceId, IReadOnlyList<AuditRead> reads)
    {
        using var command = new SqliteCommand(InsertSql, (SqliteConnection)connection, (SqliteTransaction)transaction);
        command.Parameters.AddWithValue("@service", serviceId);
        var county = command.Parameters.Add("@county", SqliteType.Text);
        var day = command.Parameters.Add("@day", SqliteType.Text);
        var at = command.Parameters.Add("@at", SqliteType.Text);
        var key = command.Parameters.Add("@key", SqliteType.Text);
        var app = command.Parameters.Add("@app", SqliteType.Text);
        var what = command.Parameters.Add("@what", SqliteType.Text);
        var unit = command.Parameters.Add("@unit", SqliteType.Text);
        command.Prepare();
        foreach (var read in reads)
        {
            county.Value = AuditQuery.CountyOf(read.Unit);
            day.Value = DayText(read.Day);
            at.Value = read.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
            key.Value = read.KeyId;
            app.Value = read.App;
            what.Value = read.What;
            unit.Value = read.Unit;
            command.ExecuteNonQuery();
        }
    }

    public override async Task<AuditPage> Read(DbConnection connection, string serviceId, AuditQuery query)
    {
        // One snapshot for the page and the count (a deferred transaction reads, in WAL mode, without blocking the writer).
        await using var transaction = ((SqliteConnection)connection).BeginTransaction(deferred: true);
        var sql = query.Scope == query.County ? WholeCounty : InsideCounty;
        await using var page = Command(connection, transaction, sql.Page, serviceId, query);
        page.Parameters.AddWithValue("@after", query.After);
        page.Parameters.AddWithValue("@limit", query.Limit + 1);
        AuditPage result;
        await using (var reader = await page.ExecuteReaderAsync().ConfigureAwait(false))
        {
            result = await Page(reader, query, (r, i) => DateTimeOffset.Parse(r.GetString(i), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)).ConfigureAwait(false);
        }
        await using var count = Command(connection, transaction, sql.Count, serviceId, query);
        var total = Convert.ToInt32(await count.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture);
        await transaction.CommitAsync().ConfigureAwait(false);
        return result with { Total = total };
    }

    private static SqliteCommand Command(DbConnection connection, SqliteTransaction transaction, string sql, string serviceId, AuditQuery query)
    {
        var command = new SqliteCommand(sql, (SqliteConnection)connection, transaction);
        command.Parameters.AddWithValue("@service", serviceId);
        command.Parameters.AddWithValue("@county", query.County);
        command.Parameters.AddWithValue("@day", DayText(query.Day));
        command.Parameters.AddWithValue("@scope", query.Scope);
        return command;
    }

    private static string DayText(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

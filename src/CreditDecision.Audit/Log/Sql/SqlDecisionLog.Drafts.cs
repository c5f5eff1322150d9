using System.Data;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using CreditDecision.Audit.Drafts;

namespace CreditDecision.Audit.Log.Sql;

/// <summary>Policy drafts, kept beside the log so that every node sharing the log shares them.</summary>
public abstract partial class SqlDecisionLog : IDraftStore
{
    private const string DraftColumns =
        "draft_id, name, base_snapshot_id, created_by, created_at_ms, state, version, authors, rationale, submitted_by, checker, " +
        "review_comment, reviewed_at_ms, approved_against, promotion_id";

    private const string BacktestSummaryColumns =
        "backtest_id, draft_id, version, snapshot_id, from_ms, to_ms, decisions, changed_decisions, run_by, run_at_ms";

    public async Task CreateDraftAsync(Draft draft, DraftVersion first, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = Command(connection, transaction,
            $"INSERT INTO drafts ({DraftColumns}) VALUES (@id, @name, @base, @created_by, @created_at, @state, @version, @authors, @rationale, " +
            "@submitted_by, @checker, @review_comment, @reviewed_at, @approved_against, @promotion_id)"))
        {
            BindDraft(insert, draft);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await InsertVersionAsync(connection, transaction, first, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Draft>> ListDraftsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, null, $"SELECT {DraftColumns} FROM drafts ORDER BY created_at_ms DESC, draft_id");
        var drafts = new List<Draft>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) drafts.Add(ReadDraft(reader));
        return drafts;
    }

    public async Task<Draft?> FindDraftAsync(Guid draftId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, null, $"SELECT {DraftColumns} FROM drafts WHERE draft_id = @id");
        Add(query, "id", draftId.ToString("D"));
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadDraft(reader) : null;
    }

    public async Task<DraftVersion?> FindDraftVersionAsync(Guid draftId, int version, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, null,
            "SELECT files, snapshot_id, saved_by, saved_at_ms, case_failures FROM draft_versions WHERE draft_id = @id AND version = @version");
        Add(query, "id", draftId.ToString("D"));
        Add(query, "version", (long)version);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var files = JsonSerializer.Deserialize<Dictionary<string, string>>((byte[])reader["files"])!;
        return new DraftVersion(draftId, version, files.ToDictionary(f => f.Key, f => Encoding.UTF8.GetBytes(f.Value), StringComparer.Ordinal),
            Text(reader, "snapshot_id"), Text(reader, "saved_by"), Instant(reader, "saved_at_ms"), Text(reader, "case_failures"));
    }

    public async Task<bool> SaveDraftVersionAsync(Draft expected, Draft updated, DraftVersion next, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await UpdateDraftAsync(connection, transaction, expected, updated, cancellationToken)) return false;
        await InsertVersionAsync(connection, transaction, next, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> UpdateDraftAsync(Draft expected, Draft updated, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await UpdateDraftAsync(connection, null, expected, updated, cancellationToken);
    }

    public async Task AddDraftBacktestAsync(DraftBacktest backtest, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var insert = Command(connection, null,
            $"INSERT INTO draft_backtests ({BacktestSummaryColumns}, html) VALUES (@id, @draft, @version, @snapshot, @from, @to, @decisions, @changed, @run_by, @run_at, @html)");
        Add(insert, "id", backtest.BacktestId.ToString("D"));
        Add(insert, "draft", backtest.DraftId.ToString("D"));
        Add(insert, "version", (long)backtest.Version);
        Add(insert, "snapshot", backtest.SnapshotId);
        AddNullable(insert, "from", backtest.From?.ToUnixTimeMilliseconds(), DbType.Int64);
        AddNullable(insert, "to", backtest.To?.ToUnixTimeMilliseconds(), DbType.Int64);
        Add(insert, "decisions", backtest.Decisions);
        Add(insert, "changed", backtest.ChangedDecisions);
        Add(insert, "run_by", backtest.RunBy);
        Add(insert, "run_at", backtest.RunAt.ToUnixTimeMilliseconds());
        Add(insert, "html", backtest.Html);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<DraftBacktest>> ListDraftBacktestsAsync(Guid draftId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, null,
            $"SELECT {BacktestSummaryColumns}, '' AS html FROM draft_backtests WHERE draft_id = @draft ORDER BY run_at_ms DESC, backtest_id");
        Add(query, "draft", draftId.ToString("D"));
        var backtests = new List<DraftBacktest>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) backtests.Add(ReadBacktest(reader));
        return backtests;
    }

    public async Task<DraftBacktest?> FindDraftBacktestAsync(Guid draftId, Guid backtestId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, null,
            $"SELECT {BacktestSummaryColumns}, html FROM draft_backtests WHERE draft_id = @draft AND backtest_id = @id");
        Add(query, "draft", draftId.ToString("D"));
        Add(query, "id", backtestId.ToString("D"));
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadBacktest(reader) : null;
    }

    private static async Task<bool> UpdateDraftAsync(
        DbConnection connection, DbTransaction? transaction, Draft expected, Draft updated, CancellationToken cancellationToken)
    {
        await using var update = Command(connection, transaction,
            "UPDATE drafts SET name = @name, base_snapshot_id = @base, created_by = @created_by, created_at_ms = @created_at, state = @state, " +
            "version = @version, authors = @authors, rationale = @rationale, submitted_by = @submitted_by, checker = @checker, " +
            "review_comment = @review_comment, reviewed_at_ms = @reviewed_at, approved_against = @approved_against, promotion_id = @promotion_id " +
            "WHERE draft_id = @id AND state = @expected_state AND version = @expected_version");
        BindDraft(update, updated);
        Add(update, "expected_state", expected.State);
        Add(update, "expected_version", (long)expected.Version);
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task InsertVersionAsync(DbConnection connection, DbTransaction transaction, DraftVersion version, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, transaction,
            "INSERT INTO draft_versions (draft_id, version, files, snapshot_id, saved_by, saved_at_ms, case_failures) " +
            "VALUES (@id, @version, @files, @snapshot, @saved_by, @saved_at, @case_failures)");
        Add(insert, "id", version.DraftId.ToString("D"));
        Add(insert, "version", (long)version.Version);
        Add(insert, "files", JsonSerializer.SerializeToUtf8Bytes(version.Files.ToDictionary(f => f.Key, f => Encoding.UTF8.GetString(f.Value))));
        Add(insert, "snapshot", version.SnapshotId);
        Add(insert, "saved_by", version.SavedBy);
        Add(insert, "saved_at", version.SavedAt.ToUnixTimeMilliseconds());
        Add(insert, "case_failures", version.CaseFailures);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void BindDraft(DbCommand command, Draft draft)
    {
        Add(command, "id", draft.DraftId.ToString("D"));
        Add(command, "name", draft.Name);
        Add(command, "base", draft.BaseSnapshotId);
        Add(command, "created_by", draft.CreatedBy);
        Add(command, "created_at", draft.CreatedAt.ToUnixTimeMilliseconds());
        Add(command, "state", draft.State);
        Add(command, "version", (long)draft.Version);
        Add(command, "authors", JsonSerializer.Serialize(draft.Authors));
        AddNullable(command, "rationale", draft.Rationale, DbType.String);
        AddNullable(command, "submitted_by", draft.SubmittedBy, DbType.String);
        AddNullable(command, "checker", draft.Checker, DbType.String);
        AddNullable(command, "review_comment", draft.ReviewComment, DbType.String);
        AddNullable(command, "reviewed_at", draft.ReviewedAt?.ToUnixTimeMilliseconds(), DbType.Int64);
        AddNullable(command, "approved_against", draft.ApprovedAgainst, DbType.String);
        AddNullable(command, "promotion_id", draft.PromotionId?.ToString("D"), DbType.String);
    }

    private static Draft ReadDraft(DbDataReader reader) => new(
        Guid.Parse(Text(reader, "draft_id")), Text(reader, "name"), Text(reader, "base_snapshot_id"), Text(reader, "created_by"),
        Instant(reader, "created_at_ms"), Text(reader, "state"), (int)Int64(reader, "version"),
        JsonSerializer.Deserialize<string[]>(Text(reader, "authors"))!,
        NullableText(reader, "rationale"), NullableText(reader, "submitted_by"), NullableText(reader, "checker"), NullableText(reader, "review_comment"),
        NullableInt64(reader, "reviewed_at_ms") is { } reviewed ? DateTimeOffset.FromUnixTimeMilliseconds(reviewed) : null,
        NullableText(reader, "approved_against"),
        NullableText(reader, "promotion_id") is { } promotion ? Guid.Parse(promotion) : null);

    private static DraftBacktest ReadBacktest(DbDataReader reader) => new(
        Guid.Parse(Text(reader, "backtest_id")), Guid.Parse(Text(reader, "draft_id")), (int)Int64(reader, "version"), Text(reader, "snapshot_id"),
        NullableInt64(reader, "from_ms") is { } from ? DateTimeOffset.FromUnixTimeMilliseconds(from) : null,
        NullableInt64(reader, "to_ms") is { } to ? DateTimeOffset.FromUnixTimeMilliseconds(to) : null,
        Int64(reader, "decisions"), Int64(reader, "changed_decisions"), Text(reader, "run_by"), Instant(reader, "run_at_ms"), Text(reader, "html"));
}

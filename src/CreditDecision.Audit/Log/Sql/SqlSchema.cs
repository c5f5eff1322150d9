namespace CreditDecision.Audit.Log.Sql;

/// <summary>The log's schema as migration scripts, shared by the SQLite and PostgreSQL stores.</summary>
internal static class SqlSchema
{
    /// <summary>The columns of <c>decisions</c> as migration 6 left them: fixed, whatever later migrations add.</summary>
    private const string ColumnsOfVersion6 =
        "position, decision_id, application_id, enterprise_id, outcome, decided_at_ms, caller, request_id, idempotency_key, " +
        "request_hash, request_json, response_json, snapshot_id, ruleset_versions, engine_version, service_version, previous_hash, record_hash, kind, activation";

    /// <summary>
    /// The schema both stores share, with their names for a 64-bit integer and a byte string, and their way of making
    /// idempotency keys unique per caller instead of across callers (SQLite cannot drop a column's UNIQUE in place).
    /// (In SQLite, "position INTEGER PRIMARY KEY" is the row id, so chain order is the table's own order.)
    /// </summary>
    public static IReadOnlyList<string> Migrations(string bigint, string blob, string idempotencyKeysPerCaller) =>
    [
        $"""
        CREATE TABLE decisions (
            position         {bigint} PRIMARY KEY,
            decision_id      TEXT NOT NULL UNIQUE,
            application_id   TEXT NOT NULL,
            enterprise_id    TEXT NOT NULL,
            outcome          TEXT NOT NULL,
            decided_at_ms    {bigint} NOT NULL,
            caller           TEXT NOT NULL,
            request_id       TEXT NOT NULL,
            idempotency_key  TEXT UNIQUE,
            request_hash     TEXT NOT NULL,
            request_json     TEXT NOT NULL,
            response_json    TEXT NOT NULL,
            snapshot_id      TEXT NOT NULL,
            ruleset_versions TEXT NOT NULL,
            engine_version   TEXT NOT NULL,
            service_version  TEXT NOT NULL,
            previous_hash    TEXT NOT NULL,
            record_hash      TEXT NOT NULL
        );
        CREATE INDEX decisions_application ON decisions (application_id);
        CREATE INDEX decisions_enterprise ON decisions (enterprise_id);
        CREATE INDEX decisions_decided_at ON decisions (decided_at_ms);
        CREATE TABLE chain_head (
            id          INTEGER PRIMARY KEY CHECK (id = 1),
            position    {bigint} NOT NULL,
            record_hash TEXT NOT NULL
        );
        INSERT INTO chain_head (id, position, record_hash) VALUES (1, 0, '{DecisionChain.Genesis}');
        CREATE TABLE rulesets (
            name    TEXT NOT NULL,
            version TEXT NOT NULL,
            stage   TEXT NOT NULL,
            content {blob} NOT NULL,
            PRIMARY KEY (name, version)
        );
        CREATE TABLE rule_snapshots (
            snapshot_id      TEXT PRIMARY KEY,
            ruleset_versions TEXT NOT NULL
        );
        """,
        """
        ALTER TABLE decisions ADD COLUMN kind TEXT NOT NULL DEFAULT 'decision';
        CREATE INDEX decisions_kind ON decisions (kind);
        """,
        $"""
        CREATE TABLE portfolios (
            version TEXT PRIMARY KEY,
            content {blob} NOT NULL
        );
        """,
        $"""
        CREATE TABLE challenger_results (
            decision_id      TEXT PRIMARY KEY,
            decided_at_ms    {bigint} NOT NULL,
            snapshot_id      TEXT NOT NULL,
            ruleset_versions TEXT NOT NULL,
            outcome          TEXT NOT NULL,
            response_json    TEXT NOT NULL
        );
        CREATE INDEX challenger_results_decided_at ON challenger_results (decided_at_ms);
        """,
        $"""
        CREATE TABLE rule_activations (
            activation      {bigint} PRIMARY KEY,
            snapshot_id     TEXT NOT NULL,
            activated_at_ms {bigint} NOT NULL,
            node            TEXT NOT NULL
        );
        CREATE TABLE cluster_nodes (
            node            TEXT PRIMARY KEY,
            started_at_ms   {bigint} NOT NULL,
            seen_at_ms      {bigint} NOT NULL,
            activation      {bigint},
            snapshot_id     TEXT,
            problem         TEXT
        );
        ALTER TABLE decisions ADD COLUMN activation {bigint};
        """,
        $"""
        {idempotencyKeysPerCaller}
        CREATE TABLE data_protection_keys (
            name TEXT PRIMARY KEY,
            xml  TEXT NOT NULL
        );
        """,
        $"""
        CREATE TABLE drafts (
            draft_id         TEXT PRIMARY KEY,
            name             TEXT NOT NULL,
            base_snapshot_id TEXT NOT NULL,
            created_by       TEXT NOT NULL,
            created_at_ms    {bigint} NOT NULL,
            state            TEXT NOT NULL,
            version          {bigint} NOT NULL,
            authors          TEXT NOT NULL,
            rationale        TEXT,
            submitted_by     TEXT,
            checker          TEXT,
            review_comment   TEXT,
            reviewed_at_ms   {bigint},
            approved_against TEXT,
            promotion_id     TEXT
        );
        CREATE TABLE draft_versions (
            draft_id      TEXT NOT NULL,
            version       {bigint} NOT NULL,
            files         {blob} NOT NULL,
            snapshot_id   TEXT NOT NULL,
            saved_by      TEXT NOT NULL,
            saved_at_ms   {bigint} NOT NULL,
            case_failures TEXT NOT NULL,
            PRIMARY KEY (draft_id, version)
        );
        CREATE TABLE draft_backtests (
            backtest_id       TEXT PRIMARY KEY,
            draft_id          TEXT NOT NULL,
            version           {bigint} NOT NULL,
            snapshot_id       TEXT NOT NULL,
            from_ms           {bigint},
            to_ms             {bigint},
            decisions         {bigint} NOT NULL,
            changed_decisions {bigint} NOT NULL,
            run_by            TEXT NOT NULL,
            run_at_ms         {bigint} NOT NULL,
            html              TEXT NOT NULL
        );
        CREATE INDEX draft_backtests_draft ON draft_backtests (draft_id);
        """,
        $"""
        ALTER TABLE decisions ADD COLUMN request_z {blob};
        ALTER TABLE decisions ADD COLUMN response_z {blob};
        """,
        """
        ALTER TABLE decisions ADD COLUMN trace_compact TEXT;
        ALTER TABLE rule_snapshots ADD COLUMN trace_template TEXT;
        """,
        $"""
        DROP INDEX decisions_caller_idempotency_key;
        {KeysPerCallerWhereGivenIndex}
        """,
    ];

    /// <summary>Migration 6 for SQLite: the decisions table rebuilt without UNIQUE on the key alone (SQLite's way to drop a constraint).</summary>
    public static string RebuiltWithKeysPerCaller(string bigint) => $"""
        CREATE TABLE decisions_v6 (
            position         {bigint} PRIMARY KEY,
            decision_id      TEXT NOT NULL UNIQUE,
            application_id   TEXT NOT NULL,
            enterprise_id    TEXT NOT NULL,
            outcome          TEXT NOT NULL,
            decided_at_ms    {bigint} NOT NULL,
            caller           TEXT NOT NULL,
            request_id       TEXT NOT NULL,
            idempotency_key  TEXT,
            request_hash     TEXT NOT NULL,
            request_json     TEXT NOT NULL,
            response_json    TEXT NOT NULL,
            snapshot_id      TEXT NOT NULL,
            ruleset_versions TEXT NOT NULL,
            engine_version   TEXT NOT NULL,
            service_version  TEXT NOT NULL,
            previous_hash    TEXT NOT NULL,
            record_hash      TEXT NOT NULL,
            kind             TEXT NOT NULL DEFAULT 'decision',
            activation       {bigint}
        );
        INSERT INTO decisions_v6 ({ColumnsOfVersion6}) SELECT {ColumnsOfVersion6} FROM decisions;
        DROP TABLE decisions;
        ALTER TABLE decisions_v6 RENAME TO decisions;
        CREATE INDEX decisions_application ON decisions (application_id);
        CREATE INDEX decisions_enterprise ON decisions (enterprise_id);
        CREATE INDEX decisions_decided_at ON decisions (decided_at_ms);
        CREATE INDEX decisions_kind ON decisions (kind);
        {KeysPerCallerIndex}
        """;

    /// <summary>A retry is recognised by its caller and key together: two callers may use the same key.</summary>
    public const string KeysPerCallerIndex = "CREATE UNIQUE INDEX decisions_caller_idempotency_key ON decisions (caller, idempotency_key);";

    /// <summary>
    /// Migration 10: the same index over records that have a key. A record without one is never looked up by key, and
    /// its entry cost every commit a page of index written twice (WAL and checkpoint) for nothing.
    /// </summary>
    private const string KeysPerCallerWhereGivenIndex =
        "CREATE UNIQUE INDEX decisions_caller_idempotency_key ON decisions (caller, idempotency_key) WHERE idempotency_key IS NOT NULL;";
}

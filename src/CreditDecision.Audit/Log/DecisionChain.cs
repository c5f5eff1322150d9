using CreditDecision.Core.Contracts;
using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CreditDecision.Audit.Log;

/// <summary>
/// The hash chain over the decision log. Each record's hash covers its content, its position and the previous
/// record's hash, so changing, removing or reordering any record breaks every link after it.
/// </summary>
public static class DecisionChain
{
    public static readonly string Genesis = new('0', 64);

    /// <summary>The record placed after <paramref name="previous"/>: position and hashes filled in.</summary>
    public static LogRecord Link(LogRecord record, ChainHead previous)
    {
        var linked = record with { Position = previous.Position + 1, PreviousHash = previous.RecordHash };
        return linked with { RecordHash = HashOf(linked) };
    }

    /// <summary>The hash a record written now carries, computed from its stored fields.</summary>
    public static string HashOf(LogRecord record) => HashOf(record, CurrentFormat);

    /// <summary>
    /// Format 2 covers the activation number as well. Records written before it (format 1, schema 5 and earlier)
    /// keep their hashes, so a log verifies across the upgrade; only their activation number is outside the hash.
    /// </summary>
    private const int CurrentFormat = 2;

    /// <summary>True when the record's stored hash is the hash of its fields in the current format or the one before.</summary>
    public static bool HashMatches(LogRecord record) =>
        record.RecordHash == HashOf(record, CurrentFormat) || record.RecordHash == HashOf(record, format: 1);

    private static string HashOf(LogRecord record, int format)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var number = new byte[8];
        void Add(string? value)
        {
            // Length-prefixed, so no two different field lists can produce the same byte stream.
            var bytes = ArrayPool<byte>.Shared.Rent(value is null ? 0 : Encoding.UTF8.GetMaxByteCount(value.Length));
            var length = value is null ? 0 : Encoding.UTF8.GetBytes(value, bytes);
            BinaryPrimitives.WriteInt64BigEndian(number, value is null ? -1 : length);
            hash.AppendData(number);
            hash.AppendData(bytes, 0, length);
            ArrayPool<byte>.Shared.Return(bytes);
        }
        void AddNumber(long value)
        {
            BinaryPrimitives.WriteInt64BigEndian(number, value);
            hash.AppendData(number);
        }

        // The kind and the format are the domain tag, so each kind and format hashes apart from the others.
        Add($"creditdecision.{record.Kind}-record.v{format}");
        Add(record.PreviousHash);
        AddNumber(record.Position);
        Add(record.RecordId.ToString("D"));
        Add(record.Subject);
        Add(record.EnterpriseId);
        Add(record.Outcome);
        AddNumber(record.RecordedAt.ToUnixTimeMilliseconds());
        Add(record.Caller);
        Add(record.RequestId);
        Add(record.IdempotencyKey);
        Add(record.RequestHash);
        Add(record.RequestJson);
        Add(record.ResponseJson);
        Add(record.SnapshotId);
        Add(record.RulesetVersions);
        Add(record.EngineVersion);
        Add(record.ServiceVersion);
        if (format >= 2) Add(record.ClusterActivation?.ToString(CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Walks every row the log holds, in position order, against the log's head row, and reports the first one that
    /// breaks the chain. Intact means the rows are exactly positions 1 to the head's, each linked to the one before
    /// and matching its hash, the last being the head: so the count equals the head's position, and a row anywhere
    /// past the head (however well hashed) is named, as is one missing anywhere.
    /// </summary>
    public static async Task<ChainVerification> VerifyAsync(
        IAsyncEnumerable<LogRecord> recordsInOrder, ChainHead storedHead, CancellationToken cancellationToken)
    {
        var head = ChainHead.Empty;
        await foreach (var record in recordsInOrder.WithCancellation(cancellationToken))
        {
            var problem =
                record.Position > storedHead.Position ? $"it is beyond the log's head (position {storedHead.Position}): it was not appended through the chain"
                : record.Position != head.Position + 1 ? $"expected position {head.Position + 1}: a record before this one is missing"
                : record.PreviousHash != head.RecordHash ? "its previous-hash does not match the record before it"
                : !HashMatches(record) ? "its content does not match its hash: the record was changed after it was written"
                : null;
            if (problem is not null) return ChainVerification.Broken(head.Position, new BrokenRecord(record.Position, record.RecordId, problem));
            head = new ChainHead(record.Position, record.RecordHash);
        }
        if (head != storedHead)
        {
            return ChainVerification.Broken(head.Position, new BrokenRecord(head.Position + 1, null,
                $"the log's head says {storedHead.Position} records ending in {storedHead.RecordHash[..12]}, but the chain ends at {head.Position}: records at the end were removed"));
        }
        return ChainVerification.Intact(head);
    }
}

/// <summary>The last record of the chain (position 0 and the genesis hash for an empty log).</summary>
public sealed record ChainHead(long Position, string RecordHash)
{
    public static readonly ChainHead Empty = new(0, DecisionChain.Genesis);
}

/// <summary>What <c>GET /audit/verify</c> reports.</summary>
/// <param name="Status"><c>intact</c> or <c>broken</c>.</param>
/// <param name="Records">Records verified (for a broken chain: those before the first broken one).</param>
/// <param name="HeadHash">Hash of the last record when intact: write it down to detect a rewrite of the whole log later.</param>
/// <param name="FirstBroken">The first record that fails, when broken.</param>
public sealed record ChainVerification([property: ClosedSet("intact", "broken")] string Status, long Records, string? HeadHash, BrokenRecord? FirstBroken)
{
    public static ChainVerification Intact(ChainHead head) => new("intact", head.Position, head.RecordHash, null);

    public static ChainVerification Broken(long verified, BrokenRecord first) => new("broken", verified, null, first);
}

/// <summary>The first record that breaks the chain, and how.</summary>
public sealed record BrokenRecord(long Position, Guid? DecisionId, string Reason);

using System.Data;
using System.Runtime.CompilerServices;

namespace CreditDecision.Audit.Log.Sql;

/// <summary>The queries that link a review to its origination and read the book's latest state.</summary>
public abstract partial class SqlDecisionLog
{
    public async Task<LogRecord?> FindLatestDecisionAsync(string applicationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        List<string> where = [Filter(command, "application_id", applicationId), Filter(command, "kind", RecordKinds.Decision), WithinChain];
        command.CommandText = $"SELECT {RecordColumns.List} FROM decisions{Where(where)} ORDER BY position DESC LIMIT 1";
        await foreach (var record in ReadRecordsAsync(command, cancellationToken)) return record;
        return null;
    }

    public async IAsyncEnumerable<LoggedReview> LatestReviewsAsync(
        DateTimeOffset before, bool withRequests, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        List<string> latest = [.. Filters(command, null, before), Filter(command, "kind", RecordKinds.Monitoring), WithinChain];
        command.CommandText =
            $"SELECT d.application_id, {(withRequests ? "d.request_json" : "NULL")} AS request_json, d.response_json FROM decisions d " +
            $"JOIN (SELECT MAX(position) AS position FROM decisions{Where(latest)} GROUP BY application_id) latest ON d.position = latest.position " +
            "ORDER BY d.position";
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // Columns in their order: the reader is sequential.
            var loanId = Text(reader, "application_id");
            var request = NullableText(reader, "request_json");
            yield return new LoggedReview(loanId, request, Text(reader, "response_json"));
        }
    }
}

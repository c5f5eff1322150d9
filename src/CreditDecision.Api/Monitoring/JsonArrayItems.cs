using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CreditDecision.Api.Infrastructure;

namespace CreditDecision.Api.Monitoring;

/// <summary>
/// Splits a request body holding one JSON array into its items without reading further than needed: at most
/// <c>maxItems</c> items are read (and copied), so an array longer than allowed costs only what was allowed.
/// </summary>
public static class JsonArrayItems
{
    /// <summary>The raw JSON of each item, in order, up to <paramref name="maxItems"/>; only whitespace may follow the array.</summary>
    /// <param name="notAnArray">Why the body is refused when it is not one JSON array, as the 400 names it.</param>
    /// <exception cref="InvalidBodyException">The body is not one JSON array, or is nested deeper than <paramref name="maxDepth"/>.</exception>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(
        PipeReader input, int maxItems, int maxDepth, string notAnArray, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var scan = new Scan(new JsonReaderState(new JsonReaderOptions { MaxDepth = maxDepth }));
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken);
            var items = new List<ReadOnlyMemory<byte>>();
            SequencePosition consumed;
            try
            {
                consumed = scan.Next(read.Buffer, read.IsCompleted, maxItems, items);
            }
            catch (JsonException ex)
            {
                throw new InvalidBodyException(notAnArray, ex);
            }
            input.AdvanceTo(consumed, read.Buffer.End);
            foreach (var item in items) yield return item;
            if (scan.Read == maxItems || (scan.Ended && read.IsCompleted)) yield break;
            if (read.IsCompleted) throw new InvalidBodyException(notAnArray);
        }
    }

    /// <summary>Where the reading stands between two reads of the body.</summary>
    private sealed class Scan(JsonReaderState state)
    {
        private JsonReaderState _state = state;
        private bool _started;

        public int Read { get; private set; }
        public bool Ended { get; private set; }

        /// <summary>Reads the complete items of <paramref name="buffer"/> into <paramref name="items"/>; returns how far it read.</summary>
        public SequencePosition Next(ReadOnlySequence<byte> buffer, bool final, int maxItems, List<ReadOnlyMemory<byte>> items)
        {
            var reader = new Utf8JsonReader(buffer, final, _state);
            while (Read < maxItems)
            {
                var (before, position) = (reader.CurrentState, reader.Position);
                if (!reader.Read()) break;
                if (Ended) throw new JsonException("Only whitespace may follow the JSON array.");
                if (!_started)
                {
                    if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("The body is not a JSON array.");
                    _started = true;
                    continue;
                }
                if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == 0)
                {
                    Ended = true;
                    continue;
                }
                var start = reader.TokenStartIndex;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                {
                    // The item goes on past this read: take it whole next time.
                    _state = before;
                    return position;
                }
                items.Add(buffer.Slice(start, reader.BytesConsumed - start).ToArray());
                Read++;
            }
            _state = reader.CurrentState;
            return reader.Position;
        }
    }
}

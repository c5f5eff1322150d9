using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace CreditDecision.Api.Monitoring;

/// <summary>Splits a request body into NDJSON lines without holding more than one line (and one read) in memory.</summary>
public static class NdjsonLines
{
    /// <summary>
    /// Each non-blank line with its 1-based number. A line longer than <paramref name="maxLineBytes"/> is skipped
    /// and reported with null content. The content is valid only until the next line is requested.
    /// </summary>
    public static async IAsyncEnumerable<(long Number, ReadOnlySequence<byte>? Content)> ReadAsync(
        PipeReader input, int maxLineBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long number = 0;
        var skipping = false;
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var lines = new List<(long, ReadOnlySequence<byte>?)>();
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                var line = buffer.Slice(0, end);
                buffer = buffer.Slice(buffer.GetPosition(1, end));
                number++;
                if (skipping)
                {
                    skipping = false;
                    continue;
                }
                if (line.Length > maxLineBytes) lines.Add((number, null));
                else if (!IsBlank(line)) lines.Add((number, Copy(line)));
            }
            if (!skipping && buffer.Length > maxLineBytes)
            {
                // The line is already too long: report it once and drop it up to its newline.
                skipping = true;
                lines.Add((number + 1, null));
            }
            if (skipping) buffer = buffer.Slice(buffer.End);

            if (read.IsCompleted && !skipping && buffer.Length > 0)
            {
                number++;
                if (!IsBlank(buffer)) lines.Add((number, Copy(buffer)));
                buffer = buffer.Slice(buffer.End);
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            foreach (var line in lines) yield return line;
            if (read.IsCompleted) yield break;
        }
    }

    // Lines are copied out of the pipe's buffer so the pipe can be advanced before the consumer parses them.
    private static ReadOnlySequence<byte> Copy(ReadOnlySequence<byte> line) => new(line.ToArray());

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r')) return false;
            }
        }
        return true;
    }
}

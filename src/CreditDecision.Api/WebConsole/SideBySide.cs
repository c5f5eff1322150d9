namespace CreditDecision.Api.WebConsole;

/// <summary>
/// One row of a side-by-side diff: the line on each side (null where that side has none) and whether they differ; or,
/// when <paramref name="Skipped"/> is above 0, that many unchanged lines left out.
/// </summary>
public sealed record DiffRow(int? LeftNumber, string? Left, int? RightNumber, string? Right, int Skipped = 0)
{
    public bool Changed => Left != Right;
}

/// <summary>A side-by-side diff as a page shows it: the two sides' headings and the rows.</summary>
public sealed record SideBySideTable(string Before, string After, IReadOnlyList<DiffRow> Rows);

/// <summary>A line diff of two texts (longest common subsequence), laid out side by side.</summary>
public static class SideBySide
{
    public static IReadOnlyList<DiffRow> Of(string before, string after)
    {
        var a = before.ReplaceLineEndings("\n").Split('\n');
        var b = after.ReplaceLineEndings("\n").Split('\n');
        // common[i, j]: length of the longest common subsequence of a[i..] and b[j..].
        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }
        var rows = new List<DiffRow>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y]) rows.Add(new DiffRow(x + 1, a[x++], y + 1, b[y++]));
            else if (y < b.Length && (x == a.Length || common[x, y + 1] >= common[x + 1, y])) rows.Add(new DiffRow(null, null, y + 1, b[y++]));
            else rows.Add(new DiffRow(x + 1, a[x++], null, null));
        }
        return rows;
    }

    /// <summary>The changed rows with <paramref name="context"/> unchanged rows either side; each longer run of unchanged rows becomes one row saying how many it leaves out.</summary>
    public static IReadOnlyList<DiffRow> AroundChanges(IReadOnlyList<DiffRow> rows, int context)
    {
        var near = new bool[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            if (!rows[i].Changed) continue;
            for (var j = Math.Max(0, i - context); j <= Math.Min(rows.Count - 1, i + context); j++) near[j] = true;
        }
        var shown = new List<DiffRow>();
        var skipped = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            if (!near[i])
            {
                skipped++;
                continue;
            }
            if (skipped > 0) shown.Add(new DiffRow(null, null, null, null, skipped));
            skipped = 0;
            shown.Add(rows[i]);
        }
        if (skipped > 0) shown.Add(new DiffRow(null, null, null, null, skipped));
        return shown;
    }
}

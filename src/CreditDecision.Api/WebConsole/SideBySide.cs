namespace CreditDecision.Api.WebConsole;

/// <summary>One row of a side-by-side diff: the line on each side (null where that side has none) and whether they differ.</summary>
public sealed record DiffRow(int? LeftNumber, string? Left, int? RightNumber, string? Right)
{
    public bool Changed => Left != Right;
}

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
}

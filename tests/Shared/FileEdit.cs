namespace CreditDecision.Testing;

/// <summary>Edits of rule files in a test's own copy of the rules folder.</summary>
public static class FileEdit
{
    /// <summary>Replaces text in a file, failing the test if the text is not there (so an edit can never silently do nothing).</summary>
    public static void Replace(string path, string from, string to)
    {
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }
}

namespace CreditDecision.Testing;

/// <summary>Locates the repository's folders from the test binaries.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();
    public static string Rules => System.IO.Path.Combine(Root, "rules");
    public static string Samples => System.IO.Path.Combine(Root, "samples");
    public static string PortfolioFile => System.IO.Path.Combine(Root, "portfolio", "portfolio.json");

    /// <summary>The OpenAPI document as committed; the service must serve exactly this.</summary>
    public static string OpenApiDocument => System.IO.Path.Combine(Root, "docs", "openapi", "v1.json");

    public static string Sample(string name) => File.ReadAllText(System.IO.Path.Combine(Samples, name + ".json"));

    /// <summary>A fresh copy of the shipped rules folder that a test may edit; deleted with the returned handle.</summary>
    public static TempDirectory CopyOfRules()
    {
        var copy = new TempDirectory();
        foreach (var file in Directory.EnumerateFiles(Rules, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(copy.Path, System.IO.Path.GetRelativePath(Rules, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "CreditDecision.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("CreditDecision.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder removed on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("creditdecision-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a watcher on some platforms; the OS temp cleaner will take it.
        }
    }
}

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CreditDecision.Api.Tests;

/// <summary>The real application over HTTP, with its rules folder chosen by the test.</summary>
public sealed class CreditDecisionApplication(string rulesDirectory) : WebApplicationFactory<Program>
{
    public CreditDecisionApplication() : this(RepoPaths.Rules)
    {
    }

    private readonly TempDirectory _data = new();

    public string RulesDirectory { get; } = rulesDirectory;

    public string ArchiveDirectory => Path.Combine(_data.Path, "rules-archive");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Rules:Directory", RulesDirectory);
        builder.UseSetting("Rules:ArchiveDirectory", ArchiveDirectory);
        builder.UseSetting("Rules:RescanSeconds", "0.2");
        builder.UseSetting("Rules:DebounceMilliseconds", "50");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _data.Dispose();
    }
}

/// <summary>One application shared by the tests of a class that only read.</summary>
public sealed class SharedApplication : IDisposable
{
    public CreditDecisionApplication App { get; } = new();
    public HttpClient Client { get; }

    public SharedApplication() => Client = App.CreateClient();

    public void Dispose()
    {
        Client.Dispose();
        App.Dispose();
    }
}

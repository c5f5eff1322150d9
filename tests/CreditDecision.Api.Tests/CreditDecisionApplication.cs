using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CreditDecision.Api.Tests;

/// <summary>The real application over HTTP, with its rules folder chosen by the test.</summary>
public sealed class CreditDecisionApplication(string rulesDirectory) : WebApplicationFactory<Program>
{
    public CreditDecisionApplication() : this(RepoPaths.Rules)
    {
    }

    public string RulesDirectory { get; } = rulesDirectory;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Rules:Directory", RulesDirectory);
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

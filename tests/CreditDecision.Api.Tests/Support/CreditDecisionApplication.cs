using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace CreditDecision.Api.Tests;

/// <summary>
/// The real application over HTTP, with its rules folder and decision log store chosen by the test. A log passed
/// in is shared (several nodes, or a restart) and stays with the test; otherwise the instance has its own.
/// </summary>
public sealed class CreditDecisionApplication(string rulesDirectory, string store = TestStores.Sqlite, TestLogDatabase? log = null)
    : WebApplicationFactory<Program>
{
    public CreditDecisionApplication() : this(RepoPaths.Rules)
    {
    }

    private readonly TempDirectory _data = new();

    public string RulesDirectory { get; } = rulesDirectory;

    public string ArchiveDirectory => Path.Combine(_data.Path, "rules-archive");

    /// <summary>This instance's own copy of the shipped portfolio, so a PUT /portfolio in one test touches no other.</summary>
    public string PortfolioFile { get; } = CopyOfPortfolio();

    private static string CopyOfPortfolio()
    {
        var copy = Path.Combine(Directory.CreateTempSubdirectory("creditdecision-portfolio-").FullName, "portfolio.json");
        File.Copy(RepoPaths.PortfolioFile, copy);
        return copy;
    }

    /// <summary>The decision log this instance writes: a fresh SQLite file or a fresh PostgreSQL schema.</summary>
    public TestLogDatabase Log { get; } = log ?? TestLogDatabase.Create(store);

    private readonly bool _ownsLog = log is null;

    /// <summary>A challenger rules folder (Rules:ChallengerDirectory), or null for none.</summary>
    public string? ChallengerDirectory { get; init; }

    /// <summary>The clock the service reads (decision and record times), or null for the system clock.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>Further settings, applied last.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The API keys configured (every test key unless a test chooses others; none at all to see the service refuse to start).</summary>
    public IReadOnlyList<TestKey> Keys { get; init; } = TestKeys.All;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Rules:Directory", RulesDirectory);
        builder.UseSetting("Rules:ArchiveDirectory", ArchiveDirectory);
        builder.UseSetting("Rules:RescanSeconds", "0.2");
        builder.UseSetting("Rules:DebounceMilliseconds", "50");
        builder.UseSetting("Portfolio:File", PortfolioFile);
        builder.UseSetting("DecisionLog:Provider", Log.Provider);
        builder.UseSetting("DecisionLog:ConnectionString", Log.ConnectionString);
        if (ChallengerDirectory is not null) builder.UseSetting("Rules:ChallengerDirectory", ChallengerDirectory);
        // Every test client shares one address; the per-address limit has its own tests, which set it again below.
        builder.UseSetting("RateLimiting:ApiRequestsPerWindow", "0");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        foreach (var (key, value) in TestKeys.Settings(Keys)) builder.UseSetting(key, value);
        if (Clock is { } clock) builder.ConfigureTestServices(services => services.AddSingleton(clock));
    }

    /// <summary>A client whose every response is checked against the OpenAPI document (<see cref="ContractCheckingHandler"/>).</summary>
    public new HttpClient CreateClient() => CreateClient(ClientOptions);

    /// <inheritdoc cref="CreateClient()"/>
    public new HttpClient CreateClient(WebApplicationFactoryClientOptions options)
    {
        List<DelegatingHandler> handlers = [new ContractCheckingHandler(ServiceContract.Committed)];
        if (options.AllowAutoRedirect) handlers.Add(new RedirectHandler(options.MaxAutomaticRedirections));
        if (options.HandleCookies) handlers.Add(new CookieContainerHandler());
        return CreateDefaultClient(options.BaseAddress, [.. handlers]);
    }

    /// <summary>Clients send the key with every role unless a test chooses another with <see cref="TestKeys.WithKey"/>.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.WithKey(TestKeys.AllRoles);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        if (_ownsLog) Log.Dispose();
        var portfolioFolder = Path.GetDirectoryName(PortfolioFile)!;
        if (Directory.Exists(portfolioFolder)) Directory.Delete(portfolioFolder, recursive: true);
        _data.Dispose();
    }
}

/// <summary>One application shared by the tests of a class that only read.</summary>
public class SharedApplication : IDisposable
{
    public CreditDecisionApplication App { get; } = new();
    public HttpClient Client { get; }

    public SharedApplication() : this(onKestrel: false)
    {
    }

    protected SharedApplication(bool onKestrel)
    {
        if (onKestrel)
        {
            App.UseKestrel(0);
            App.StartServer();
        }
        Client = App.CreateClient();
    }

    public void Dispose()
    {
        Client.Dispose();
        App.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A shared application on Kestrel and a loopback port, for what the in-memory server does not do (body size limits).</summary>
public sealed class SharedKestrelApplication() : SharedApplication(onKestrel: true);

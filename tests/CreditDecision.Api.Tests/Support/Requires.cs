namespace CreditDecision.Api.Tests;

/// <summary>
/// What some tests need from outside .NET. When it is missing a test does not pass silently: outside CI it is
/// skipped with the reason in the runner's summary; in CI (CI=true, where .ci/run installs everything) it fails.
/// Such tests are <see cref="SkippableFactAttribute"/>s or <see cref="SkippableTheoryAttribute"/>s.
/// </summary>
public static class Requires
{
    private static bool InCi => Environment.GetEnvironmentVariable("CI") == "true";

    /// <summary>Debian's chromium, for the browser checks.</summary>
    public static string Chromium() =>
        HeadlessBrowser.Find() ?? Missing("Debian's chromium (apt-get install chromium)");

    /// <summary>axe-core's axe.min.js, named by CREDITDECISION_AXE, for the accessibility audit.</summary>
    public static string Axe() =>
        AxeCore.Find() ?? Missing("axe-core: npm install --prefix /tmp/axe axe-core@4.14.1, then CREDITDECISION_AXE=/tmp/axe/node_modules/axe-core/axe.min.js");

    /// <summary>A PostgreSQL server for the decision-log tests (<see cref="TestStores.PostgresVariable"/>, or one started locally).</summary>
    public static string Postgres() =>
        TestStores.PostgresConnectionString
        ?? Missing($"a PostgreSQL server: install Debian's postgresql (the tests then start their own) or set {TestStores.PostgresVariable} (scripts/test-postgres.sh start)"
            + (LocalPostgres.Problem is { } problem ? $"; starting one here failed: {problem}" : ""));

    /// <summary>The store a theory row names: PostgreSQL rows need a server.</summary>
    public static void Store(string store)
    {
        if (store == TestStores.Postgres) Postgres();
    }

    /// <summary>Stoplight Prism, the validating proxy, named by CREDITDECISION_PRISM or on the PATH.</summary>
    public static string Prism() =>
        PrismProxy.Find() ?? Missing($"Stoplight Prism: npm install --prefix /tmp/prism @stoplight/prism-cli@{PrismProxy.Version}, then {PrismProxy.Variable}=/tmp/prism/node_modules/.bin/prism");

    private static string Missing(string what)
    {
        var reason = $"Needs {what}.";
        if (InCi) throw new InvalidOperationException("CI must run every test. " + reason);
        throw new SkipException(reason);
    }
}

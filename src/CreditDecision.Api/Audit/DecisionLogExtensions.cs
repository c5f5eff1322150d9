using CreditDecision.Api.Health;
using CreditDecision.Audit.Challenger;
using CreditDecision.Audit.Cluster;
using CreditDecision.Audit.Log.Sql;
using CreditDecision.Audit.Log;
using CreditDecision.Audit.Recording;
using CreditDecision.Audit.Replay;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Audit;

public static class DecisionLogExtensions
{
    public static void AddDecisionLog(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DecisionLogOptions>()
            .BindConfiguration(DecisionLogOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<DecisionLogOptions>>().Value;
            var connectionString = DecisionLogStores.IsShared(options.Provider)
                ? options.ConnectionString
                : ResolveDataSource(options.ConnectionString, services.GetRequiredService<IHostEnvironment>());
            return DecisionLogStores.Open(options.Provider, connectionString);
        });
        // One store, seen through the interface each of its users needs.
        builder.Services.AddSingleton<IDecisionLog>(services => services.GetRequiredService<SqlDecisionLog>());
        builder.Services.AddSingleton<IChallengerResults>(services => services.GetRequiredService<SqlDecisionLog>());
        builder.Services.AddSingleton<IClusterRuleStore>(services => services.GetRequiredService<SqlDecisionLog>());
        builder.Services.AddSingleton<CreditDecision.Audit.Drafts.IDraftStore>(services => services.GetRequiredService<SqlDecisionLog>());
        builder.Services.AddSingleton<IDataProtectionKeyStore>(services => services.GetRequiredService<SqlDecisionLog>());
        builder.Services.AddSingleton<DecisionLogWriter>();
        builder.Services.AddSingleton<DecisionRecorder>();
        builder.Services.AddSingleton(services =>
        {
            var rules = services.GetRequiredService<RulesHost>();
            var portfolio = services.GetRequiredService<PortfolioHost>();
            return new DecisionReplayer(services.GetRequiredService<IDecisionLog>(), rules.Archive, () => rules.Current, () => portfolio.Current);
        });
        // First of the hosted services: the others (Data Protection's key ring, the cluster's rules) read the log.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, DecisionLogMigration>());
        builder.Services.AddHealthChecks().AddCheck<DecisionLogHealthCheck>("decision-log", tags: [HealthEndpoints.Ready]);
    }

    private static string ResolveDataSource(string connectionString, IHostEnvironment environment)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrWhiteSpace(builder.DataSource) && !Path.IsPathRooted(builder.DataSource))
        {
            builder.DataSource = Path.GetFullPath(Path.Combine(environment.ContentRootPath, builder.DataSource));
        }
        return builder.ToString();
    }
}

/// <summary>Brings the log's schema up to date before the service takes requests; a node that cannot reach its log does not start.</summary>
internal sealed class DecisionLogMigration(IDecisionLog log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => log.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

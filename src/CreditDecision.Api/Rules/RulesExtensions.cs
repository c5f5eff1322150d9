using CreditDecision.Api.Health;
using CreditDecision.Core.Rules;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Rules;

public static class RulesExtensions
{
    public static void AddRules(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RulesOptions>()
            .BindConfiguration(RulesOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<RulesOptions>>().Value;
            var environment = services.GetRequiredService<IHostEnvironment>();
            var directory = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Directory));
            var archive = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.ArchiveDirectory));
            return new RulesHost(directory, new RulesetArchive(archive), services.GetRequiredService<TimeProvider>());
        });
        builder.Services.AddSingleton<RulesFolderWatcher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RulesFolderWatcher>());
        builder.Services.AddHealthChecks().AddCheck<RulesHealthCheck>("rules", tags: [HealthEndpoints.Ready]);
    }
}

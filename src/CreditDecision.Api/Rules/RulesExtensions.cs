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
            return new RulesHost(directory, services.GetRequiredService<TimeProvider>());
        });
        builder.Services.AddHostedService<RulesActivation>();
        builder.Services.AddHealthChecks().AddCheck<RulesHealthCheck>("rules");
    }
}

using CreditDecision.Api.Rules;
using CreditDecision.Audit.Challenger;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Challenger;

/// <summary>The challenger's rules: a second folder, loaded and followed like the champion's; <see cref="Host"/> is null when none is configured.</summary>
public sealed record ChallengerRules(RulesHost? Host);

public static class ChallengerExtensions
{
    public static void AddChallenger(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<RulesOptions>>().Value;
            if (string.IsNullOrWhiteSpace(options.ChallengerDirectory)) return new ChallengerRules(null);
            var environment = services.GetRequiredService<IHostEnvironment>();
            var directory = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.ChallengerDirectory));
            return new ChallengerRules(new RulesHost(directory, services.GetRequiredService<RulesHost>().Archive, services.GetRequiredService<TimeProvider>()));
        });
        builder.Services.AddSingleton<ChallengerFolderWatcher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ChallengerFolderWatcher>());
        builder.Services.AddSingleton(services =>
        {
            var host = services.GetRequiredService<ChallengerRules>().Host;
            var capacity = services.GetRequiredService<IOptions<RulesOptions>>().Value.ChallengerQueueCapacity;
            return new ChallengerShadow(host is null ? null : () => host.Current, services.GetRequiredService<IChallengerResults>(), capacity,
                services.GetRequiredService<ServiceMetrics>());
        });
        builder.Services.AddHostedService<ChallengerShadowLoop>();
        builder.Services.AddSingleton<ChallengerReporter>();
        builder.Services.AddSingleton<ChallengerPromotion>();
    }
}

/// <summary>Loads and follows the challenger folder exactly as the champion's is followed, when there is one.</summary>
public sealed class ChallengerFolderWatcher(ChallengerRules challenger, IOptions<RulesOptions> options, ServiceMetrics metrics, ILogger<RulesFolderWatcher> logger)
    : IHostedService, IDisposable
{
    private readonly RulesFolderWatcher? _watcher = challenger.Host is { } host ? new RulesFolderWatcher(host, options, metrics, logger, RulesFolderWatcher.Challenger) : null;

    /// <summary>What follows the challenger folder; null when no challenger is configured.</summary>
    public RulesFolderWatcher? Watcher => _watcher;

    public Task StartAsync(CancellationToken cancellationToken) => _watcher?.StartAsync(cancellationToken) ?? Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => _watcher?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public void Dispose() => _watcher?.Dispose();
}

/// <summary>Runs the shadow evaluation for the life of the service; at stop it finishes what is queued.</summary>
internal sealed class ChallengerShadowLoop(ChallengerShadow shadow) : IHostedService
{
    private Task _loop = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(shadow.RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        shadow.Complete();
        await _loop.WaitAsync(cancellationToken);
    }
}

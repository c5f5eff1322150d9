using CreditDecision.Core.Rules;

namespace CreditDecision.Api.Rules;

/// <summary>Loads the rules folder when the service starts. A folder that fails validation does not stop the service: health reports it.</summary>
public sealed partial class RulesActivation(RulesHost rules, ILogger<RulesActivation> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var status = rules.Reload();
        if (status.IsValid)
        {
            LogActivated(rules.Directory, status.Active!.Id, status.Active.InDecisionOrder.Length);
        }
        else
        {
            foreach (var error in status.Errors) LogRefused(error.ToString());
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Rules from {Directory} are live: snapshot {SnapshotId} with {RulesetCount} rulesets")]
    private partial void LogActivated(string directory, string snapshotId, int rulesetCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rule files refused: {Error}")]
    private partial void LogRefused(string error);
}

using System.Diagnostics;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Telemetry;

namespace CreditDecision.Core.Decisions;

/// <summary>Validates an application, evaluates it on the live snapshot and stamps the decision's id and time.</summary>
public sealed class DecisionService(RulesHost rules, PortfolioHost portfolio, TimeProvider clock)
{
    public Decision Decide(LoanApplication application)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var errors = ApplicationValidator.Validate(application);
        if (errors.Count > 0) throw new InvalidApplicationException(errors);
        var snapshot = rules.Current ?? throw new RulesNotLoadedException(rules.Status);
        errors = ApplicationValidator.ValidateGrades(application, MonitoringPipeline.Grades(snapshot));
        if (errors.Count > 0) throw new InvalidApplicationException(errors);
        var book = portfolio.Current;
        var now = RecordTime.Now(clock);
        var timings = new StageTimings();
        var response = DecisionPipeline.Evaluate(snapshot, book, application, Guid.CreateVersion7(now), now, timings);
        Metrics.RecordDecision(application, response, startedAt, timings);
        return new Decision(response, snapshot, book);
    }
}

/// <summary>A decision and the ruleset snapshot and portfolio version it was made with.</summary>
public sealed record Decision(DecisionResponse Response, RulesetSnapshot Snapshot, PortfolioSnapshot Portfolio);

/// <summary>The application failed validation; <see cref="Errors"/> is keyed by JSON path.</summary>
public sealed class InvalidApplicationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("The application is not valid.")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>No valid ruleset snapshot has been loaded yet.</summary>
public sealed class RulesNotLoadedException(RulesStatus status)
    : Exception("No valid rules are loaded; decisions cannot be made.")
{
    public RulesStatus Status { get; } = status;
}

using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Backtests;

/// <summary>The version set named as a backtest's candidate cannot be rebuilt from the log.</summary>
public sealed class UnknownCandidateException(string message) : Exception(message);

/// <summary>A rule of the candidate could not be evaluated for a logged decision: the candidate is at fault, not the log.</summary>
public sealed class CandidateRuleException(RuleError error, Exception inner) : Exception(inner.Message, inner)
{
    public RuleError Error { get; } = error;
}

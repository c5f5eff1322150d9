using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Decisions;

/// <summary>
/// A rule could not be evaluated (for example it divided by zero), or a stage could not produce its result.
/// The decision is refused rather than guessed: a rule error must never turn into a decline or an approval.
/// </summary>
/// <param name="expression">The expression that failed, as written, when one did.</param>
public sealed class RuleEvaluationException(string ruleset, string version, string? rule, string reason, string? expression = null, Exception? inner = null)
    : Exception($"ruleset '{ruleset}' ({version[..12]}){(rule is null ? "" : $" rule '{rule}'")}: {reason}", inner)
{
    public string Ruleset { get; } = ruleset;
    public string Version { get; } = version;
    public string? Rule { get; } = rule;

    /// <summary>What went wrong, without the ruleset and rule that <see cref="Exception.Message"/> also names.</summary>
    public string Reason { get; } = reason;

    public string? Expression { get; } = expression;
}

/// <summary>
/// Where an evaluation has got to: the ruleset, the rule and the step in hand. The stages move it along as they go
/// (a few stores per rule, no allocation), so that whatever is thrown on the way, by a rule's expression, its output
/// or the stage's arithmetic on their values, becomes one <see cref="RuleEvaluationException"/> naming the ruleset
/// and the rule, from a single catch around the pipeline.
/// </summary>
internal struct EvaluationPoint
{
    private CompiledRuleset? _ruleset;
    private int _rule;
    private Step _step;

    private enum Step
    {
        Condition,
        Output,
        Value,
        Result,
    }

    /// <summary>Starting on <paramref name="ruleset"/>, once per stage: the rules below are its rules.</summary>
    public void Enter(CompiledRuleset ruleset) => (_ruleset, _rule, _step) = (ruleset, -1, Step.Result);

    /// <summary>Evaluating the condition of rule <paramref name="rule"/> of the current ruleset.</summary>
    public void Condition(int rule) => (_rule, _step) = (rule, Step.Condition);

    /// <summary>Evaluating the output of rule <paramref name="rule"/> of the current ruleset.</summary>
    public void Output(int rule) => (_rule, _step) = (rule, Step.Output);

    /// <summary>Adding the value of rule <paramref name="rule"/> into the stage's result.</summary>
    public void Value(int rule) => (_rule, _step) = (rule, Step.Value);

    /// <summary>Computing the stage's result from what its rules gave.</summary>
    public void Result() => (_rule, _step) = (-1, Step.Result);

    public readonly RuleEvaluationException Failure(Exception exception)
    {
        var ruleset = _ruleset!;
        var rule = _rule >= 0 ? ruleset.Rules[_rule] : null;
        var (reason, expression) = _step switch
        {
            Step.Condition => ("its Expression failed", rule!.Expression),
            Step.Output => ("its Output failed", rule!.OutputExpression),
            Step.Value => ($"its value could not be added into the {ruleset.Stage.WireName()} result", null),
            _ => ($"computing the {ruleset.Stage.WireName()} result from its rules failed", null),
        };
        return new RuleEvaluationException(ruleset.Name, ruleset.Version, rule?.Name, $"{reason}: {exception.Message}", expression, exception);
    }
}

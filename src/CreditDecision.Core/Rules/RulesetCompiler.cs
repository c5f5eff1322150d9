using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CreditDecision.Core.Vocabulary;
using FastExpressionCompiler;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;

namespace CreditDecision.Core.Rules;

/// <summary>
/// Turns one rule file into a <see cref="CompiledRuleset"/>, or into the list of everything wrong with it:
/// JSON syntax, structure, stage fields, expressions that do not compile, and expressions the sandbox refuses.
/// </summary>
public static partial class RulesetCompiler
{
    /// <summary>
    /// RulesEngine settings for every ruleset: input types are not auto-registered (that would expose their
    /// methods to rules), the only custom type is the pure <see cref="Finance"/> helper, and exceptions surface
    /// as rule errors that the pipeline turns into evaluation failures rather than declines.
    /// </summary>
    internal static readonly ReSettings EngineSettings = new()
    {
        AutoRegisterInputType = false,
        CustomTypes = [typeof(Finance)],
        EnableExceptionAsErrorMessage = true,
        IgnoreException = false,
        EnableScopedParams = false,
        EnableFormattedErrorMessage = false,
        AutoExecuteActions = false,
        IsExpressionCaseSensitive = false,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowDuplicateProperties = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

    private static readonly JsonSerializerOptions FileOptions = new()
    {
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    internal static readonly FrozenSet<string> ReservedNames = new[]
    {
        "applicant", "loan", "rating", "approval", "limit", "concentration", "guarantees", "review", "grading", "true", "false", "null", "in", "it", "new",
        "iif", "np", "Math", "Finance", "and", "or", "not",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Compiles one rule file.</summary>
    /// <param name="budget">What the compile may spend; a folder passes one budget to all its files. None: the file's own.</param>
    public static CompilationResult Compile(string path, byte[] content, CompileBudget? budget = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return CompilationResult.Failed(new RuleError(path, null, null, null, $"not valid JSON: {DescribeJsonError(ex)}"));
        }

        using (document)
        {
            RulesetFile? file;
            try
            {
                file = document.RootElement.Deserialize<RulesetFile>(FileOptions);
            }
            catch (JsonException ex)
            {
                return CompilationResult.Failed(new RuleError(path, null, null, null, $"does not match the rule file format: {DescribeJsonError(ex)}"));
            }
            if (file is null)
            {
                return CompilationResult.Failed(new RuleError(path, null, null, null, "the file must hold a JSON object"));
            }
            return new FileCompiler(path, file, document.RootElement, content, budget ?? new CompileBudget()).Compile();
        }
    }

    private static string DescribeJsonError(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        var where = ex.LineNumber is { } line
            ? $" (line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}{(string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : ", at " + ex.Path)})"
            : string.IsNullOrEmpty(ex.Path) ? "" : $" (at {ex.Path})";
        return message.TrimEnd('.') + where;
    }

    // \z, not $: a $ also matches before a final line break, which would let "sme-approval\n" through as a name.
    [GeneratedRegex(@"\A[a-z][a-z0-9]*(-[a-z0-9]+)*\z")]
    private static partial Regex KebabName();

    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex Identifier();

    /// <summary>Compiles one parsed file, collecting every error rather than stopping at the first.</summary>
    private sealed class FileCompiler(string path, RulesetFile file, JsonElement root, byte[] content, CompileBudget budget)
    {
        private readonly List<RuleError> _errors = [];
        private readonly RuleExpressionParser _parser = new(EngineSettings);
        private Dictionary<string, string> _literals = [];

        private string? RulesetName => file.WorkflowName;

        public CompilationResult Compile()
        {
            if (budget.Spent)
            {
                Error(null, null, "not compiled: the files before it already took all that one compile may cover");
                return CompilationResult.Failed(_errors);
            }
            if (string.IsNullOrWhiteSpace(file.WorkflowName) || !KebabName().IsMatch(file.WorkflowName))
            {
                Error(null, null, "WorkflowName is required: lower-case words joined by hyphens, e.g. 'sme-approval'");
            }
            if (!Stages.TryParse(file.Stage, out var stage))
            {
                Error(null, null, $"Stage must be one of: {string.Join(", ", Enum.GetValues<Stage>().Select(s => s.WireName()))}");
                return CompilationResult.Failed(_errors);
            }
            if (file.Rules is null || file.Rules.Count == 0)
            {
                Error(null, null, "Rules must hold at least one rule");
                return CompilationResult.Failed(_errors);
            }

            _literals = CompileParameters();
            var settings = StageSettingsReader.Read(stage, file.Settings, message => Error(null, null, message));
            var rules = CompileRules(stage);
            CheckRulesAgainstSettings(stage, settings, rules);
            if (_errors.Count > 0) return CompilationResult.Failed(_errors);

            var workflow = new Workflow
            {
                WorkflowName = file.WorkflowName,
                Rules = rules.Select(rule => new Rule
                {
                    RuleName = rule.Name,
                    Expression = ParameterInliner.Inline(rule.Expression, _literals),
                    RuleExpressionType = RuleExpressionType.LambdaExpression,
                }).ToList(),
            };

            return CompilationResult.Succeeded(new CompiledRuleset
            {
                Name = file.WorkflowName!,
                Stage = stage,
                Version = CanonicalJson.Sha256(root),
                Label = file.Label,
                EffectiveDate = file.EffectiveDate,
                Description = file.Description,
                SourceFile = path,
                SourceContent = [.. content],
                CanonicalContent = [.. CanonicalJson.Canonicalize(root)],
                Rules = [.. rules],
                Settings = settings,
                Parameters = (file.Parameters ?? []).Where(p => _literals.ContainsKey(p.Key))
                    .ToImmutableDictionary(p => p.Key, p => p.Value.Clone(), StringComparer.Ordinal),
                Workflow = workflow,
            });
        }

        private Dictionary<string, string> CompileParameters()
        {
            var literals = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in file.Parameters ?? [])
            {
                if (!Identifier().IsMatch(name) || ReservedNames.Contains(name))
                {
                    Error(null, null, $"parameter name '{name}' is not allowed: use letters and digits, not an input name or keyword");
                    continue;
                }
                var literal = ParameterInliner.ToLiteral(value, out var reason);
                if (literal is null) Error(null, null, $"parameter '{name}': {reason}");
                else literals[name] = literal;
            }
            return literals;
        }

        private List<CompiledRule> CompileRules(Stage stage)
        {
            var compiled = new List<CompiledRule>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var index = 0; index < file.Rules!.Count; index++)
            {
                var rule = file.Rules[index];
                var name = rule.RuleName;
                if (budget.Spent) break;
                if (!budget.TakeRule())
                {
                    Error(name ?? $"#{index + 1}", null, CompileBudget.Refusal);
                    break;
                }
                if (string.IsNullOrWhiteSpace(name) || !Identifier().IsMatch(name))
                {
                    Error($"#{index + 1}", null, "RuleName is required: letters, digits and underscores");
                    continue;
                }
                if (!names.Add(name))
                {
                    Error(name, null, "RuleName is used by another rule in this file; rule names must be unique");
                    continue;
                }
                if (string.IsNullOrWhiteSpace(rule.Description))
                {
                    Error(name, null, "Description is required: say what the rule is for and why");
                }
                var spec = RuleSpecReader.Read(stage, rule.Properties, message => Error(name, null, message));
                var condition = ParseChecked(stage, name, rule.Expression, typeof(bool), "Expression");
                if (spec is not null && condition is not null && GradingFacts.ReadTooEarly(stage, spec, CompiledForm.Of(condition).Used))
                {
                    Error(name, rule.Expression, GradingFacts.ReadTooEarlyReason);
                }
                var output = CompileOutput(stage, name, rule.Output);
                if (rule.Enabled && condition is not null && spec is not null)
                {
                    compiled.Add(new CompiledRule
                    {
                        Name = name,
                        Description = rule.Description,
                        Expression = rule.Expression!,
                        Spec = spec,
                        Condition = Compile<bool>(stage, condition),
                        Output = output,
                        OutputExpression = rule.Output,
                    });
                }
            }
            if (_errors.Count == 0 && compiled.Count == 0)
            {
                Error(null, null, "every rule is disabled; a ruleset needs at least one enabled rule");
            }
            return compiled;
        }

        /// <summary>What a rule's Properties name must exist in the ruleset's Settings.</summary>
        private void CheckRulesAgainstSettings(Stage stage, StageSettings settings, List<CompiledRule> rules)
        {
            if (stage == Stage.Rating && settings.DefaultGrade is null)
            {
                foreach (var rule in rules.Where(r => r.Spec.DefaultTrigger))
                {
                    Error(rule.Name, null, "is a default trigger, but Settings.Grades has no default grade (\"Default\": true) for it to assign");
                }
            }
            if (stage == Stage.Rating && settings.CustomerFactors is { } customerFactors)
            {
                var factors = rules.Select(r => r.Spec.Factor).OfType<string>().ToHashSet(StringComparer.Ordinal);
                foreach (var missing in factors.Where(f => !customerFactors.ContainsKey(f)).Order(StringComparer.Ordinal))
                {
                    Error(null, null, $"Settings.CustomerFactors has no text for the factor '{missing}': give every factor one, or leave CustomerFactors out");
                }
                foreach (var unknown in customerFactors.Keys.Where(f => !factors.Contains(f)).Order(StringComparer.Ordinal))
                {
                    Error(null, null, $"Settings.CustomerFactors.{unknown} is not a factor of any enabled rule");
                }
            }
            if (stage == Stage.Approval && rules.Any(r => r.Spec.Customer is not null))
            {
                foreach (var rule in rules.Where(r => r.Spec.Customer is null))
                {
                    Error(rule.Name, null, "has no Properties.CustomerText while other reasons of this file have one: give every reason a CustomerText, or none");
                }
            }
            if (stage == Stage.Monitoring)
            {
                foreach (var (rule, message) in Provisioning.AssessmentRules.Problems(settings, rules)) Error(rule, null, message);
            }
            if (stage == Stage.Authority)
            {
                if (settings.AuthorityReferral is { Effect: not "refer" }) Error(null, null, "Settings.Referral.Effect must be refer: a credit above automatic authority goes to a person");
                foreach (var rule in rules.Where(r => r.Spec.AuthorityLevel is { } level && !settings.AuthorityLevels.Contains(level)))
                {
                    Error(rule.Name, null, $"Properties.Level '{rule.Spec.AuthorityLevel}' is not one of Settings.Levels: {string.Join(", ", settings.AuthorityLevels)}");
                }
            }
        }

        private Func<DecisionFacts, decimal>? CompileOutput(Stage stage, string rule, string? output)
        {
            var needsOutput = stage is Stage.Limit or Stage.Pricing;
            if (!needsOutput)
            {
                if (output is not null) Error(rule, output, $"Output is not used in the {stage.WireName()} stage; remove it");
                return null;
            }
            if (output is null)
            {
                Error(rule, null, $"Output is required in the {stage.WireName()} stage: the amount or rate the rule sets when it fires");
                return null;
            }
            var body = ParseChecked(stage, rule, output, typeof(decimal), "Output");
            return body is null ? null : Compile<decimal>(stage, body);
        }

        /// <summary>
        /// A checked expression tree, parsed by RulesEngine's own parser, as a delegate over the stage's facts. Each
        /// input parameter is bound to its property of <see cref="DecisionFacts"/>, so evaluating a rule allocates
        /// nothing of its own.
        /// </summary>
        private static Func<DecisionFacts, T> Compile<T>(Stage stage, Expression body)
        {
            var facts = Expression.Parameter(typeof(DecisionFacts), "facts");
            var (hoisted, used) = CompiledForm.Of(body);
            var inputs = stage.Inputs().Where(i => used.Contains(i.Parameter)).ToList();
            var block = Expression.Block(
                inputs.Select(i => i.Parameter),
                inputs.Select(i => (Expression)Expression.Assign(i.Parameter, Expression.Property(facts, i.FactsProperty)))
                    .Append(hoisted));
            return Expression.Lambda<Func<DecisionFacts, T>>(block, facts).CompileFast();
        }

        /// <summary>
        /// Parses an expression (parameters inlined) and runs the sandbox; null after reporting an error. Its size and
        /// nesting are checked, and taken from the budget, before the parser reads it: parsing is the costly part of a
        /// compile, and its recursion is the parser's own.
        /// </summary>
        private Expression? ParseChecked(Stage stage, string rule, string? expression, Type resultType, string field)
        {
            if (string.IsNullOrWhiteSpace(expression))
            {
                Error(rule, null, $"{field} is required");
                return null;
            }
            if (budget.Spent) return null;
            var inlined = ParameterInliner.InlineWithin(expression, _literals, RuleLimits.MaxExpressionLength);
            if (inlined is null)
            {
                Error(rule, Shortened(expression), $"{field} is longer than {RuleLimits.MaxExpressionLength:N0} characters with its parameters written in");
                return null;
            }
            var size = ExpressionText.Measure(inlined);
            if (!budget.TakeExpression(inlined.Length, size.Nodes))
            {
                Error(rule, null, CompileBudget.Refusal);
                return null;
            }
            if (size.Nodes > RuleLimits.MaxNodes)
            {
                Error(rule, Shortened(expression),
                    $"{field} has {size.Nodes:N0} nodes (names, numbers, text and operators) with its parameters written in; the limit is {RuleLimits.MaxNodes:N0}: split it into several rules");
                return null;
            }
            if (size.Nesting > RuleLimits.MaxNesting)
            {
                Error(rule, Shortened(expression), $"{field} nests {size.Nesting} levels deep (each bracket and each operator inside it counts); the limit is {RuleLimits.MaxNesting}");
                return null;
            }
            Expression tree;
            try
            {
                tree = _parser.Parse(inlined, [.. stage.Inputs().Select(i => i.Parameter)], resultType);
            }
            catch (Exception ex)
            {
                // Whatever the parser throws on text from outside the service means the same: it does not compile.
                Error(rule, expression, $"{field} does not compile: {ex.Message.TrimEnd('.')}. This stage can read: {string.Join(", ", stage.Inputs().Select(i => i.Name))}");
                return null;
            }
            var violation = ExpressionSandbox.FindViolation(tree);
            if (violation is not null)
            {
                Error(rule, expression, $"{field} is refused by the rule sandbox: {violation}");
                return null;
            }
            return tree;
        }

        private static string Shortened(string expression) => expression.Length <= 80 ? expression : expression[..80] + "…";

        private void Error(string? rule, string? expression, string message) =>
            _errors.Add(new RuleError(path, RulesetName, rule, expression, message));
    }
}

/// <summary>A compiled ruleset, or why there is none.</summary>
public sealed record CompilationResult(CompiledRuleset? Ruleset, IReadOnlyList<RuleError> Errors)
{
    public static CompilationResult Succeeded(CompiledRuleset ruleset) => new(ruleset, []);
    public static CompilationResult Failed(params IReadOnlyList<RuleError> errors) => new(null, errors);
}

/// <summary>
/// What a checked expression tree compiles to: a list literal (<c>x in ("a", "b")</c>, which the parser builds as a new
/// array on every evaluation) becomes one array built at load and only read afterwards, and the rule inputs the
/// expression reads are noted so that the delegate fetches only those. Evaluation gives the same result, without
/// allocating.
/// </summary>
internal sealed class CompiledForm : ExpressionVisitor
{
    private readonly HashSet<ParameterExpression> _used = [];

    public static (Expression Body, IReadOnlySet<ParameterExpression> Used) Of(Expression body)
    {
        var form = new CompiledForm();
        return (form.Visit(body), form._used);
    }

    protected override Expression VisitParameter(ParameterExpression node)
    {
        _used.Add(node);
        return node;
    }

    protected override Expression VisitNewArray(NewArrayExpression node)
    {
        if (node.NodeType != ExpressionType.NewArrayInit || !node.Expressions.All(e => e is ConstantExpression)) return base.VisitNewArray(node);
        var array = Array.CreateInstance(node.Type.GetElementType()!, node.Expressions.Count);
        for (var i = 0; i < node.Expressions.Count; i++) array.SetValue(((ConstantExpression)node.Expressions[i]).Value, i);
        return Expression.Constant(array, node.Type);
    }
}

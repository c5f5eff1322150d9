using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;

namespace CreditDecision.Core.Rules;

/// <summary>
/// A ruleset's cases file (<c>approval.cases.json</c> beside <c>approval.json</c>): named examples written by
/// policy staff, each an application (the file's <c>Base</c> with some fields changed) and what the decision
/// must show. A ruleset version whose cases fail does not go live.
/// </summary>
public sealed record RuleCasesFile
{
    [System.Text.Json.Serialization.JsonPropertyName("$schema")] public string? Schema { get; init; }

    /// <summary>WorkflowName of the ruleset the cases belong to.</summary>
    public string? Ruleset { get; init; }

    /// <summary>A complete application (for monitoring: a complete loan review) that every case starts from.</summary>
    public JsonObject? Base { get; init; }

    public List<RuleCase>? Cases { get; init; }

    /// <summary>The loan book the cases' concentration is measured against; none means an empty book.</summary>
    public JsonObject? Portfolio { get; init; }
}

/// <summary>One named example.</summary>
public sealed record RuleCase
{
    public string? Name { get; init; }

    /// <summary>Fields changed from the base, by dotted JSON path: <c>{ "applicant.taxArrears": 50000 }</c>.</summary>
    public Dictionary<string, JsonNode?>? Changes { get; init; }

    public CaseExpectation? Expect { get; init; }
}

/// <summary>What the decision must show; only the fields given are checked.</summary>
public sealed record CaseExpectation
{
    public string? Outcome { get; init; }

    /// <summary>The reason codes, exactly and in order.</summary>
    public List<string>? ReasonCodes { get; init; }

    public string? Grade { get; init; }
    public decimal? Score { get; init; }
    public decimal? ApprovedAmount { get; init; }
    public string? BindingCap { get; init; }
    public decimal? AnnualRate { get; init; }
    public decimal? Lgd { get; init; }
    public decimal? RiskWeight { get; init; }
    public decimal? Ead { get; init; }
    public decimal? RiskWeightedAssets { get; init; }
    public string? AuthorityLevel { get; init; }
    public string? EnterpriseSize { get; init; }
    public string? WarningLevel { get; init; }

    /// <summary>The warning codes, exactly and in order.</summary>
    public List<string>? WarningCodes { get; init; }

    /// <summary>Monitoring: the signal codes, exactly and in order.</summary>
    public List<string>? SignalCodes { get; init; }

    /// <summary>Monitoring: the most severe action, e.g. <c>call-guarantee</c>.</summary>
    public string? RecommendedAction { get; init; }

    /// <summary>Monitoring: <c>none</c>, <c>watch</c>, <c>soft-recovery</c>, <c>credit-recovery</c> or <c>hard-recovery</c>.</summary>
    public string? RecoveryPhase { get; init; }

    /// <summary>Monitoring: the grade after the downgrade.</summary>
    public string? SuggestedGrade { get; init; }

    /// <summary>Monitoring: <c>normal</c>, <c>special-mention</c>, <c>substandard</c>, <c>doubtful</c> or <c>loss</c>.</summary>
    public string? Classification { get; init; }

    /// <summary>Monitoring: the IFRS 9 stage, 1, 2 or 3.</summary>
    public int? Stage { get; init; }

    /// <summary>Monitoring: the 12-month PD.</summary>
    public decimal? Pd12m { get; init; }

    /// <summary>Monitoring: the lifetime PD.</summary>
    public decimal? PdLifetime { get; init; }

    /// <summary>Monitoring: the expected credit loss.</summary>
    public decimal? Ecl { get; init; }

    /// <summary>Rules of this ruleset that must fire.</summary>
    public List<string>? Fired { get; init; }

    /// <summary>Rules of this ruleset that must not fire.</summary>
    public List<string>? NotFired { get; init; }
}

/// <summary>The result of running one case.</summary>
/// <param name="EvaluationError">When a rule could not be evaluated for the case: that rule, in its own file.</param>
/// <param name="Bound">
/// Rules of the case's ruleset that bound: the limit cap that set the approved amount, the rate floor that raised the
/// rate or the rate cap that cut it.
/// </param>
public sealed record CaseResult(
    string File, string Ruleset, string Case, IReadOnlyList<string> Differences, IReadOnlyDictionary<string, bool> Fired,
    RuleError? EvaluationError = null, IReadOnlySet<string>? Bound = null)
{
    public bool Passed => Differences.Count == 0;
}

/// <summary>Runs cases files against a snapshot.</summary>
public static class RuleCaseRunner
{
    private static readonly JsonSerializerOptions FileOptions = new()
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>The cases file beside a rule file.</summary>
    public static string CasesPathFor(string rulesetPath) =>
        Path.ChangeExtension(rulesetPath, null) + RulesDirectoryLoader.CasesSuffix;

    /// <summary>
    /// Runs the cases of every ruleset in the snapshot that has a cases file. <c>FileErrors</c> are cases files
    /// that cannot be used at all; failing cases are in <c>Results</c> (see <see cref="Failures"/>).
    /// </summary>
    public static (IReadOnlyList<CaseResult> Results, IReadOnlyList<RuleError> FileErrors) Run(RulesetSnapshot snapshot)
    {
        var results = new List<CaseResult>();
        var errors = new List<RuleError>();
        foreach (var ruleset in snapshot.All)
        {
            var path = CasesPathFor(ruleset.SourceFile);
            if (!File.Exists(path)) continue;
            var (file, readError) = Read(path);
            if (readError is not null)
            {
                errors.Add(new RuleError(path, ruleset.Name, null, null, readError));
                continue;
            }
            if (file!.Ruleset != ruleset.Name)
            {
                errors.Add(new RuleError(path, ruleset.Name, null, null, $"Ruleset must be '{ruleset.Name}', the WorkflowName of {Path.GetFileName(ruleset.SourceFile)}"));
                continue;
            }
            var (portfolio, portfolioErrors) = file.Portfolio is null
                ? (PortfolioSnapshot.Empty, new Dictionary<string, string[]>())
                : PortfolioSnapshot.Parse(JsonSerializer.SerializeToUtf8Bytes(file.Portfolio));
            if (portfolio is null)
            {
                errors.Add(new RuleError(path, ruleset.Name, null, null,
                    $"Portfolio is not valid: {string.Join("; ", portfolioErrors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))}"));
                continue;
            }
            foreach (var @case in file.Cases ?? [])
            {
                results.Add(RunCase(snapshot, portfolio, ruleset, path, file.Base!, @case));
            }
        }
        return (results, errors);
    }

    /// <summary>
    /// What the cases of each ruleset that has a cases file leave untested: a rule that fires in no case, one that stays
    /// silent in none (unless its Expression is the literal "true"), and a cap, rate floor or rate cap that binds in
    /// none. A limit that can never bind, or a price cap that nothing reaches, is policy that does nothing; like a
    /// failing case, each gap keeps the version from going live.
    /// </summary>
    public static IEnumerable<RuleError> Gaps(RulesetSnapshot snapshot, IReadOnlyList<CaseResult> results)
    {
        foreach (var ruleset in snapshot.All)
        {
            var own = results.Where(r => r.Ruleset == ruleset.Name).ToList();
            if (own.Count == 0) continue;
            var file = own[0].File;
            foreach (var rule in ruleset.Rules)
            {
                if (!own.Any(r => r.Fired.GetValueOrDefault(rule.Name)))
                {
                    yield return new RuleError(file, ruleset.Name, rule.Name, null, "no case makes this rule fire; add one that does");
                }
                if (rule.Expression.Trim() != "true" && !own.Any(r => r.Fired.TryGetValue(rule.Name, out var fired) && !fired))
                {
                    yield return new RuleError(file, ruleset.Name, rule.Name, null, "no case leaves this rule silent; add one where it does not fire");
                }
                if (MustBind(ruleset.Stage, rule.Spec) is { } what && !own.Any(r => r.Bound?.Contains(rule.Name) == true))
                {
                    yield return new RuleError(file, ruleset.Name, rule.Name, null, $"no case makes this {what} bind; add one where it {BindsWhen(what)}");
                }
            }
        }
    }

    private static string? MustBind(Stage stage, RuleSpec spec) => (stage, spec.Sets) switch
    {
        (Stage.Limit, _) => "cap",
        (Stage.Pricing, PricingMeasure.RateFloor) => "rate floor",
        (Stage.Pricing, PricingMeasure.RateCap) => "rate cap",
        _ => null,
    };

    private static string BindsWhen(string what) => what switch
    {
        "cap" => "sets the approved amount: the lowest cap, below the amount asked",
        "rate floor" => "raises the rate: the highest floor, above the sum of the rate components",
        _ => "cuts the rate: the lowest cap, below the sum of the rate components (or the floor)",
    };

    /// <summary>The rules of a limit or pricing ruleset that bound in a decision.</summary>
    private static HashSet<string> BoundRules(CompiledRuleset ruleset, DecisionResponse decision)
    {
        var bound = new HashSet<string>(StringComparer.Ordinal);
        if (ruleset.Stage == Stage.Limit)
        {
            // The pipeline keeps the first cap, in file order, that is strictly below the request and every cap before it.
            var limit = decision.Limit;
            var lowest = limit.RequestedAmount;
            string? binding = null;
            foreach (var cap in limit.Caps)
            {
                if (cap.Amount >= lowest) continue;
                lowest = cap.Amount;
                binding = cap.Rule;
            }
            if (binding is not null) bound.Add(binding);
        }
        else if (ruleset.Stage == Stage.Pricing)
        {
            var trace = decision.Trace.Single(t => t.Ruleset == ruleset.Name).Rules;
            var sum = decision.Pricing.Components.Sum(c => c.Rate);
            RuleTrace? floor = null, cap = null;
            for (var i = 0; i < trace.Count; i++)
            {
                if (!trace[i].Fired) continue;
                var sets = ruleset.Rules[i].Spec.Sets;
                if (sets == PricingMeasure.RateFloor && (floor is null || trace[i].Value > floor.Value)) floor = trace[i];
                if (sets == PricingMeasure.RateCap && (cap is null || trace[i].Value < cap.Value)) cap = trace[i];
            }
            var floored = floor is not null && floor.Value > sum ? floor.Value!.Value : sum;
            if (floor is not null && floor.Value > sum && (cap is null || cap.Value >= floor.Value)) bound.Add(floor.Rule);
            if (cap is not null && cap.Value < floored) bound.Add(cap.Rule);
        }
        return bound;
    }

    /// <summary>Each case that ran and did not show what it expects, as an error that keeps its ruleset version from going live.</summary>
    public static IEnumerable<RuleError> Failures(IEnumerable<CaseResult> results) =>
        results.Where(r => !r.Passed && r.EvaluationError is null).Select(r =>
            new RuleError(r.File, r.Ruleset, null, null, $"case '{r.Case}' fails: {string.Join("; ", r.Differences)}"));

    /// <summary>
    /// The rules that could not be evaluated for some case, each once (with the first case that met it), in the rule's
    /// own file: a broken rule, which refuses the folder whatever the cases expected.
    /// </summary>
    public static IReadOnlyList<RuleError> EvaluationErrors(IEnumerable<CaseResult> results) =>
        [.. results.Select(r => r.EvaluationError).OfType<RuleError>().DistinctBy(e => (e.File, e.Rule))];

    private static CaseResult EvaluationFailed(
        RulesetSnapshot snapshot, string path, CompiledRuleset ruleset, RuleCase @case, RuleEvaluationException failure, string what)
    {
        var failing = snapshot.All.FirstOrDefault(r => r.Name == failure.Ruleset) ?? ruleset;
        var error = new RuleError(failing.SourceFile, failure.Ruleset, failure.Rule, failure.Expression,
            $"could not be evaluated: {failure.Reason} (case '{@case.Name}' of {Path.GetFileName(path)})");
        return new CaseResult(path, ruleset.Name, @case.Name!, [$"{what} failed: {failure.Message}"], new Dictionary<string, bool>(), error);
    }

    /// <summary>Why a cases file cannot be used at all (not JSON, unknown keys, no base), or null when it can.</summary>
    public static string? Unusable(string path) => Read(path).Error;

    private static (RuleCasesFile? File, string? Error) Read(string path)
    {
        try
        {
            var file = JsonSerializer.Deserialize<RuleCasesFile>(File.ReadAllBytes(path), FileOptions);
            if (file?.Base is null) return (null, "Base is required: a complete application the cases start from");
            if (file.Cases is null || file.Cases.Count == 0) return (null, "Cases must hold at least one case");
            var unnamed = file.Cases.FindIndex(c => string.IsNullOrWhiteSpace(c.Name) || c.Expect is null);
            if (unnamed >= 0) return (null, $"case #{unnamed + 1} needs a Name and an Expect");
            var duplicate = file.Cases.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) return (null, $"case name '{duplicate.Key}' is used twice");
            return (file, null);
        }
        catch (JsonException ex)
        {
            return (null, $"not a valid cases file: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"the file could not be read: {ex.Message}");
        }
    }

    private static CaseResult RunCase(
        RulesetSnapshot snapshot, PortfolioSnapshot portfolio, CompiledRuleset ruleset, string path, JsonObject baseInput, RuleCase @case) =>
        ruleset.Stage == Stage.Monitoring
            ? RunReviewCase(snapshot, ruleset, path, baseInput, @case)
            : RunApplicationCase(snapshot, portfolio, ruleset, path, baseInput, @case);

    private static (T? Input, string? Error) Input<T>(JsonObject baseInput, RuleCase @case)
    {
        try
        {
            var node = baseInput.DeepClone().AsObject();
            foreach (var (field, value) in @case.Changes ?? []) Set(node, field, value?.DeepClone());
            return (node.Deserialize<T>(ContractJson.Options), null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return (default, $"its input cannot be read: {ex.Message}");
        }
    }

    private static CaseResult RunReviewCase(RulesetSnapshot snapshot, CompiledRuleset ruleset, string path, JsonObject baseReview, RuleCase @case)
    {
        var fired = new Dictionary<string, bool>();
        var (review, readError) = Input<LoanReview>(baseReview, @case);
        if (readError is not null) return new CaseResult(path, ruleset.Name, @case.Name!, [readError], fired);
        var invalid = ReviewValidator.Validate(review!, MonitoringPipeline.Grades(snapshot).ToArray());
        if (invalid.Count == 0 && (review!.DecisionId is not null || review.ApplicationId is not null))
        {
            invalid = new Dictionary<string, string[]> { ["decisionId"] = ["a case cannot read the decision log: give the loan's terms instead"] };
        }
        if (invalid.Count > 0)
        {
            return new CaseResult(path, ruleset.Name, @case.Name!,
                [.. invalid.Select(e => $"its review is not valid: {e.Key} {string.Join(", ", e.Value)}")], fired);
        }

        MonitoringResult result;
        try
        {
            result = MonitoringPipeline.Evaluate(snapshot, review!, Guid.Empty, DateTimeOffset.UnixEpoch);
        }
        catch (RuleEvaluationException ex)
        {
            return EvaluationFailed(snapshot, path, ruleset, @case, ex, "the review");
        }

        foreach (var rule in result.Trace.Single().Rules) fired[rule.Rule] = rule.Fired;
        var expect = @case.Expect!;
        var differences = new List<string>();
        Compare(differences, "WarningLevel", expect.WarningLevel, result.WarningLevel);
        Compare(differences, "SignalCodes", Join(expect.SignalCodes), Join(result.Signals.Select(s => s.Code)));
        Compare(differences, "RecommendedAction", expect.RecommendedAction, result.RecommendedAction);
        Compare(differences, "RecoveryPhase", expect.RecoveryPhase, result.RecoveryPhase);
        Compare(differences, "SuggestedGrade", expect.SuggestedGrade, result.SuggestedGrade);
        Compare(differences, "Classification", expect.Classification, result.Classification);
        Compare(differences, "Stage", expect.Stage, result.Stage);
        Compare(differences, "Pd12m", expect.Pd12m, result.Pd12m);
        Compare(differences, "PdLifetime", expect.PdLifetime, result.PdLifetime);
        Compare(differences, "Lgd", expect.Lgd, result.Lgd);
        Compare(differences, "Ead", expect.Ead, result.Ead);
        Compare(differences, "Ecl", expect.Ecl, result.Ecl);
        Compare(differences, "RiskWeight", expect.RiskWeight, result.RiskWeight);
        Compare(differences, "RiskWeightedAssets", expect.RiskWeightedAssets, result.RiskWeightedAssets);
        foreach (var rule in expect.Fired ?? []) CheckFired(differences, fired, rule, expected: true);
        foreach (var rule in expect.NotFired ?? []) CheckFired(differences, fired, rule, expected: false);
        return new CaseResult(path, ruleset.Name, @case.Name!, differences, fired);
    }

    private static CaseResult RunApplicationCase(
        RulesetSnapshot snapshot, PortfolioSnapshot portfolio, CompiledRuleset ruleset, string path, JsonObject baseApplication, RuleCase @case)
    {
        var differences = new List<string>();
        var fired = new Dictionary<string, bool>();
        var (application, readError) = Input<LoanApplication>(baseApplication, @case);
        if (readError is not null) return new CaseResult(path, ruleset.Name, @case.Name!, [readError], fired);
        var invalid = ApplicationValidator.Validate(application!);
        if (invalid.Count == 0) invalid = ApplicationValidator.ValidateGrades(application!, MonitoringPipeline.Grades(snapshot));
        if (invalid.Count > 0)
        {
            return new CaseResult(path, ruleset.Name, @case.Name!,
                [.. invalid.Select(e => $"its application is not valid: {e.Key} {string.Join(", ", e.Value)}")], fired);
        }

        DecisionResponse decision;
        try
        {
            decision = DecisionPipeline.Evaluate(snapshot, portfolio, application!, Guid.Empty, DateTimeOffset.UnixEpoch);
        }
        catch (RuleEvaluationException ex)
        {
            return EvaluationFailed(snapshot, path, ruleset, @case, ex, "the decision");
        }

        foreach (var rule in decision.Trace.Single(t => t.Ruleset == ruleset.Name).Rules) fired[rule.Rule] = rule.Fired;
        var expect = @case.Expect!;
        Compare(differences, "Outcome", expect.Outcome, decision.Outcome);
        Compare(differences, "ReasonCodes", Join(expect.ReasonCodes), Join(decision.Reasons.Select(r => r.Code)));
        Compare(differences, "Grade", expect.Grade, decision.Rating.Grade);
        Compare(differences, "Score", expect.Score, decision.Rating.Score);
        Compare(differences, "ApprovedAmount", expect.ApprovedAmount, decision.Limit.ApprovedAmount);
        Compare(differences, "BindingCap", expect.BindingCap, decision.Limit.BindingCap);
        Compare(differences, "AnnualRate", expect.AnnualRate, decision.Pricing.AnnualRate);
        Compare(differences, "Lgd", expect.Lgd, decision.Pricing.Lgd);
        Compare(differences, "RiskWeight", expect.RiskWeight, decision.Pricing.RiskWeight);
        Compare(differences, "Ead", expect.Ead, decision.Pricing.Ead);
        Compare(differences, "RiskWeightedAssets", expect.RiskWeightedAssets, decision.Pricing.RiskWeightedAssets);
        Compare(differences, "AuthorityLevel", expect.AuthorityLevel, decision.AuthorityLevel);
        Compare(differences, "EnterpriseSize", expect.EnterpriseSize, decision.EnterpriseSize);
        Compare(differences, "WarningLevel", expect.WarningLevel, decision.WarningLevel);
        Compare(differences, "WarningCodes", Join(expect.WarningCodes), Join(decision.Warnings.Select(w => w.Code)));
        foreach (var rule in expect.Fired ?? []) CheckFired(differences, fired, rule, expected: true);
        foreach (var rule in expect.NotFired ?? []) CheckFired(differences, fired, rule, expected: false);
        return new CaseResult(path, ruleset.Name, @case.Name!, differences, fired, Bound: BoundRules(ruleset, decision));
    }

    private static void CheckFired(List<string> differences, Dictionary<string, bool> fired, string rule, bool expected)
    {
        if (!fired.TryGetValue(rule, out var actual)) differences.Add($"rule '{rule}' is not an enabled rule of this ruleset");
        else if (actual != expected) differences.Add($"rule '{rule}' expected {(expected ? "to fire" : "not to fire")} but {(actual ? "fired" : "did not fire")}");
    }

    private static string? Join(IEnumerable<string>? codes) => codes is null ? null : "[" + string.Join(", ", codes) + "]";

    private static void Compare<T>(List<string> differences, string field, T? expected, T actual)
    {
        if (expected is null) return;
        if (expected is decimal e && actual is decimal a ? e != a : !Equals(expected, actual))
        {
            differences.Add($"{field} expected {Format(expected)} but was {Format(actual)}");
        }
    }

    private static string Format(object? value) => value switch
    {
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        null => "nothing",
        _ => value.ToString()!,
    };

    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        var segments = path.Split('.');
        var parent = root;
        foreach (var segment in segments[..^1])
        {
            parent = parent[segment] as JsonObject ?? throw new KeyNotFoundException($"'{path}': '{segment}' is not an object in the base application");
        }
        if (value is null) parent.Remove(segments[^1]);
        else parent[segments[^1]] = value;
    }
}

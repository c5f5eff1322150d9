using System.Diagnostics;
using System.Text.Json;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Tests;

/// <summary>
/// What a rule file may cost: expressions are measured as compiled, parameters written in; text cannot be joined;
/// nesting, size and the whole compile are bounded, so neither loading a file nor evaluating a rule can run away.
/// </summary>
public class ExpressionCostTests
{
    private static string Repeated(string separator, string item, int times) => string.Join(separator, Enumerable.Repeat(item, times));

    [Fact]
    public void A_parameter_longer_than_1000_characters_written_out_is_refused()
    {
        var text = new string('x', RuleLimits.MaxParameterLength - 2);
        Assert.Empty(RuleFiles.Compile(RuleFiles.Approval("applicant.industry == p", $"{{ \"p\": \"{text}\" }}")).Errors);

        var errors = RuleFiles.Compile(RuleFiles.Approval("applicant.industry == p", $"{{ \"p\": \"{text}x\" }}")).Errors;
        Assert.Contains(errors, e => e.Message == "parameter 'p': the value is 1001 characters long written out; a parameter may be at most 1000");

        var list = JsonSerializer.Serialize(Enumerable.Range(0, 200).Select(i => $"industry-{i}"));
        errors = RuleFiles.Compile(RuleFiles.Approval("applicant.industry in p", $"{{ \"p\": {list} }}")).Errors;
        Assert.Contains(errors, e => e.Message.StartsWith("parameter 'p': the value is", StringComparison.Ordinal));
    }

    [Fact]
    public void The_length_limit_applies_to_the_expression_with_its_parameters_written_in()
    {
        // 12 uses of a 900-character value: a short expression as written, 10,800 characters as compiled.
        var expression = Repeated(" || ", "applicant.industry == p", 12);
        var parameters = $"{{ \"p\": \"{new string('x', 898)}\" }}";
        Assert.True(expression.Length < 400);

        var error = RuleFiles.SingleError(RuleFiles.Approval(expression, parameters));

        Assert.Equal("Probe", error.Rule);
        Assert.Contains("Expression is longer than 10,000 characters with its parameters written in", error.Message);
    }

    [Theory]
    [InlineData("(applicant.enterpriseId + applicant.region).Length > 0")]
    [InlineData("applicant.industry + \"x\" == \"manufacturingx\"")]
    [InlineData("string.Concat(applicant.enterpriseId, applicant.region).Length > 0")]
    [InlineData("(applicant.region + loan.amount).Length > 0")]
    public void Joining_text_is_refused(string expression)
    {
        var error = RuleFiles.SingleError(RuleFiles.Approval(expression));
        Assert.Contains("joining text is not allowed in rules", error.Message);
    }

    [Theory]
    [InlineData(65, 0, 65)]
    [InlineData(0, 64, 65)]
    [InlineData(2_000, 0, 2_000)]
    [InlineData(0, 900, 901)]
    public void An_expression_nesting_deeper_than_64_levels_is_refused_before_it_is_parsed(int brackets, int negations, int levels)
    {
        var expression = new string('-', negations) + new string('(', brackets) + "applicant.taxArrears" + new string(')', brackets) + " > 0";

        var error = RuleFiles.SingleError(RuleFiles.Approval(expression));

        Assert.Contains($"Expression nests {levels} levels deep (each bracket and each operator inside it counts); the limit is 64", error.Message);
    }

    [Theory]
    [InlineData("applicant.taxArrears > 0", 4, 1)]
    [InlineData("applicant.taxArrears > 0 && (loan.amount + 1m > 2m || applicant.industry in (\"a\", \"b\"))", 17, 8)]
    [InlineData("applicant.region == \"((((-+\" && loan.amount > -1m", 10, 4)]
    [InlineData("not (applicant.taxArrears > 0) and loan.amount > 1m", 10, 3)]
    [InlineData("Finance.AnnualPayment(loan.amount, 0.05m, loan.termMonths) > 1e5m", 9, 1)]
    public void Size_counts_names_numbers_text_and_operators_and_nesting_counts_brackets_and_the_operators_inside_them(
        string expression, int nodes, int levels)
    {
        Assert.Equal(new ExpressionSize(nodes, levels), ExpressionText.Measure(expression));
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        var expression = new string('(', 64) + "applicant.taxArrears" + new string(')', 64) + " > 0";
        Assert.Equal(64, ExpressionText.Measure(expression).Nesting);
        Assert.Empty(RuleFiles.Compile(RuleFiles.Approval(expression)).Errors);
    }

    [Fact]
    public void A_long_chain_is_refused_by_its_depth_on_a_thread_with_a_small_stack_without_harm()
    {
        // 2,000 additions: a tree 2,000 deep, which overflowed the expression compiler's stack on the 1.5 MB thread that reloads rules.
        var chain = "applicant.taxArrears" + Repeated("", " + 1m", 1_990) + " > 0";
        Assert.True(chain.Length < RuleLimits.MaxExpressionLength);
        IReadOnlyList<RuleError> errors = [];
        var thread = new Thread(() => errors = RuleFiles.Compile(RuleFiles.Approval(chain)).Errors, maxStackSize: 1536 * 1024);
        var watch = Stopwatch.StartNew();

        thread.Start();
        thread.Join();

        Assert.Contains("Expression has 3,984 nodes (names, numbers, text and operators) with its parameters written in; the limit is 1,000", Assert.Single(errors).Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "refused before the parser spent its time on it");
    }

    [Fact]
    public void An_expression_of_more_than_1000_nodes_is_refused_before_it_is_parsed()
    {
        // Flat enough for the nesting limit: each list item is one node.
        var items = string.Join(", ", Enumerable.Range(0, 997));
        Assert.Empty(RuleFiles.Compile(RuleFiles.Approval($"applicant.employees in ({items})")).Errors);

        var error = RuleFiles.SingleError(RuleFiles.Approval($"applicant.employees in ({items}, 997)"));

        Assert.Contains("Expression has 1,001 nodes", error.Message);
    }

    public static TheoryData<string[], string, string> BeyondTheBudget => new()
    {
        // 1,005 rules: the 1,001st is one too many.
        { [.. Enumerable.Range(1, 1_005).Select(i => $"applicant.taxArrears > {i}")], "R1001", "1,000 rules" },
        // Expressions of 993 nodes: twenty fit in 20,000, the twenty-first does not.
        { [.. Enumerable.Repeat($"applicant.employees in ({string.Join(", ", Enumerable.Range(0, 990))})", 25)], "R21", "20,000 expression nodes" },
        // Expressions of 9,022 characters: eleven fit in 100,000, the twelfth does not.
        { [.. Enumerable.Repeat($"applicant.region == \"{new string('x', 9_000)}\"", 12)], "R12", "100,000 characters of expressions" },
    };

    [Theory, MemberData(nameof(BeyondTheBudget))]
    public void A_compile_stops_at_the_rule_beyond_its_budget_and_names_it(string[] expressions, string rule, string limit)
    {
        var error = RuleFiles.SingleError(RuleFiles.Approval(expressions));

        Assert.Equal(rule, error.Rule);
        Assert.Contains(limit, error.Message);
        Assert.Contains("compiling stopped at this rule", error.Message);
    }

    [Fact]
    public void The_budget_covers_a_whole_folder_and_names_the_rule_and_file_where_it_ran_out()
    {
        using var rules = RepoPaths.CopyOfRules();
        foreach (var stage in new[] { "approval", "early-warning" })
        {
            var path = Path.Combine(rules.Path, stage + ".json");
            var properties = stage == "approval"
                ? FileEdit.Referral()
                : new System.Text.Json.Nodes.JsonObject { ["Code"] = "EW_FILLER", ["Level"] = "yellow", ["Message"] = "Filler." };
            for (var i = 0; i < 490; i++) FileEdit.InsertRule(path, $"Filler{i}", $"applicant.taxArrears > {i}", properties.DeepClone().AsObject());
        }

        var errors = RulesDirectoryLoader.Compile(rules.Path, TimeProvider.System).Errors;

        // approval.json (28 + 490 rules) is read first, then early-warning.json, which reaches rule 1,001 of the folder;
        // the files after it are not compiled at all.
        Assert.EndsWith("early-warning.json", errors[0].File);
        Assert.Contains("compiling stopped at this rule", errors[0].Message);
        Assert.Matches("^Filler", errors[0].Rule!);
        Assert.Equal(["limit.json", "monitoring.json", "pricing.json", "rating.json"], errors.Skip(1).Select(e => Path.GetFileName(e.File)));
        Assert.All(errors.Skip(1), e => Assert.StartsWith("not compiled", e.Message));
    }

    [Fact]
    public void The_costliest_accepted_rule_evaluates_in_about_a_millisecond()
    {
        var calls = CostliestRule.MostCallsAccepted(file => RuleFiles.Compile(file).Ruleset is not null);
        Assert.True(calls > 100, $"only {calls} calls fit");
        Assert.NotEmpty(RuleFiles.Compile(CostliestRule.ApprovalFile(calls + 1)).Errors);
        var rule = RuleFiles.Compile(CostliestRule.ApprovalFile(calls)).Ruleset!.Rules.Single();
        var application = JsonSerializer.Deserialize<LoanApplication>(RepoPaths.Sample("healthy-manufacturer"), ContractJson.Options)!;
        var facts = FactsBuilder.Build(ShippedRules.Snapshot, application, PortfolioSnapshot.Empty);
        Assert.True(rule.Condition(facts));

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        rule.Condition(facts);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - allocated);

        // Generous on purpose (BenchmarkDotNet's figure is in docs/benchmarks.md): the fastest of 20 rounds, which other
        // work on the machine can only slow down, must average under 5 ms an evaluation.
        var fastest = Enumerable.Range(0, 20).Min(_ =>
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 10; i++) rule.Condition(facts);
            return watch.Elapsed / 10;
        });
        Assert.True(fastest < TimeSpan.FromMilliseconds(5), $"{calls} helper calls took {fastest.TotalMilliseconds:F2} ms");
    }
}

using System.Linq.Expressions;
using System.Reflection;
using CreditDecision.Core.Vocabulary;

namespace CreditDecision.Core.Rules;

/// <summary>A step of the decision pipeline; each runs one ruleset.</summary>
public enum Stage
{
    Rating,
    Approval,
    Limit,

    /// <summary>Who may approve the credit: an approval level from the authority matrix, after the limit.</summary>
    Authority,
    Pricing,
    EarlyWarning,

    /// <summary>Post-loan review of an existing loan (<c>POST /monitor</c>), not part of a decision.</summary>
    Monitoring,
}

/// <summary>A named input a stage's rules can read, e.g. <c>applicant</c>, taken from a property of <see cref="DecisionFacts"/>.</summary>
public sealed class RuleInput
{
    public RuleInput(string name, string factsProperty)
    {
        Name = name;
        FactsProperty = typeof(DecisionFacts).GetProperty(factsProperty)!;
        Type = FactsProperty.PropertyType;
        Parameter = Expression.Parameter(Type, name);
        var facts = Expression.Parameter(typeof(DecisionFacts), "facts");
        Read = Expression.Lambda<Func<DecisionFacts, object?>>(Expression.Property(facts, FactsProperty), facts).Compile();
    }

    public string Name { get; }
    public Type Type { get; }
    public PropertyInfo FactsProperty { get; }

    /// <summary>The input as a parameter of a rule expression.</summary>
    public ParameterExpression Parameter { get; }

    public Func<DecisionFacts, object?> Read { get; }
}

/// <summary>
/// Everything known so far: for a decision the application's facts and the results of earlier stages; for a
/// post-loan review the loan's indicators. Each stage reads only its own inputs (see <see cref="Stages.Inputs"/>).
/// </summary>
public sealed class DecisionFacts
{
    public DecisionFacts(ApplicantFacts applicant, LoanFacts loan, ConcentrationFacts concentration)
    {
        Applicant = applicant;
        Loan = loan;
        Concentration = concentration;
    }

    public DecisionFacts(ReviewFacts review)
    {
        Review = review;
        Applicant = null!;
        Loan = null!;
        Concentration = null!;
    }

    public ApplicantFacts Applicant { get; }
    public LoanFacts Loan { get; }
    public ConcentrationFacts Concentration { get; }
    public ReviewFacts? Review { get; }
    public RatingFacts? Rating { get; set; }
    public ApprovalFacts? Approval { get; set; }
    public LimitFacts? Limit { get; set; }

    /// <summary>The guarantors as recognised for the borrower's grade; set after rating.</summary>
    public GuaranteeFacts? Guarantees { get; set; }

    /// <summary>A review's grade after its signals and default triggers, measured against origination; set before the rules that read it.</summary>
    public GradingFacts? Grading { get; set; }
}

public static class Stages
{
    /// <summary>The order in which a decision runs the stages; each reads the results of those before it.</summary>
    public static readonly IReadOnlyList<Stage> DecisionOrder =
        [Stage.Rating, Stage.Approval, Stage.Limit, Stage.Authority, Stage.Pricing, Stage.EarlyWarning];

    /// <summary>Every stage a rules folder must have a ruleset for: the decision stages, then monitoring.</summary>
    public static readonly IReadOnlyList<Stage> All = [.. DecisionOrder, Stage.Monitoring];

    private static readonly RuleInput Applicant = new("applicant", nameof(DecisionFacts.Applicant));
    private static readonly RuleInput Loan = new("loan", nameof(DecisionFacts.Loan));
    private static readonly RuleInput Rating = new("rating", nameof(DecisionFacts.Rating));
    private static readonly RuleInput Approval = new("approval", nameof(DecisionFacts.Approval));
    private static readonly RuleInput Limit = new("limit", nameof(DecisionFacts.Limit));
    private static readonly RuleInput Review = new("review", nameof(DecisionFacts.Review));
    private static readonly RuleInput Concentration = new("concentration", nameof(DecisionFacts.Concentration));
    private static readonly RuleInput Guarantees = new("guarantees", nameof(DecisionFacts.Guarantees));
    private static readonly RuleInput Grading = new("grading", nameof(DecisionFacts.Grading));

    private static readonly IReadOnlyDictionary<Stage, RuleInput[]> InputsByStage = new Dictionary<Stage, RuleInput[]>
    {
        [Stage.Rating] = [Applicant, Loan],
        [Stage.Approval] = [Applicant, Loan, Rating, Concentration, Guarantees],
        [Stage.Limit] = [Applicant, Loan, Rating, Approval, Concentration, Guarantees],
        [Stage.Authority] = [Applicant, Loan, Rating, Approval, Limit, Concentration, Guarantees],
        [Stage.Pricing] = [Applicant, Loan, Rating, Approval, Limit, Concentration, Guarantees],
        [Stage.EarlyWarning] = [Applicant, Loan, Rating, Approval, Limit, Concentration, Guarantees],
        [Stage.Monitoring] = [Review, Grading],
    };

    /// <summary>The inputs a stage's rules can read, in the order they are passed to RulesEngine.</summary>
    public static IReadOnlyList<RuleInput> Inputs(this Stage stage) => InputsByStage[stage];

    public static string WireName(this Stage stage) => stage switch
    {
        Stage.Rating => "rating",
        Stage.Approval => "approval",
        Stage.Limit => "limit",
        Stage.Authority => "authority",
        Stage.Pricing => "pricing",
        Stage.EarlyWarning => "early-warning",
        Stage.Monitoring => "monitoring",
        _ => throw new ArgumentOutOfRangeException(nameof(stage)),
    };

    public static bool TryParse(string? name, out Stage stage)
    {
        foreach (var candidate in Enum.GetValues<Stage>())
        {
            if (candidate.WireName() == name)
            {
                stage = candidate;
                return true;
            }
        }
        stage = default;
        return false;
    }
}

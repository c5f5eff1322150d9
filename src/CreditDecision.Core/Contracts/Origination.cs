namespace CreditDecision.Core.Contracts;

/// <summary>
/// A loan's origination as a review uses it: from the logged decision that granted it (<c>decision-log</c>), from the
/// caller's <c>terms</c> (<c>caller</c>), or, with neither, assumed (<c>none</c>: the current grade, no collateral, the
/// undrawn amount converted in full, no discounting and the PD term structure's default remaining life).
/// </summary>
public sealed record Origination
{
    public const string FromLog = "decision-log";
    public const string FromCaller = "caller";
    public const string Assumed = "none";

    [ClosedSet(FromLog, FromCaller, Assumed)]
    public required string Source { get; init; }

    /// <summary>Optional: the logged decision that granted the loan.</summary>
    public Guid? DecisionId { get; init; }

    /// <summary>Optional: its application id.</summary>
    public string? ApplicationId { get; init; }

    /// <summary>Optional: when the loan was drawn.</summary>
    public DateOnly? Date { get; init; }

    /// <summary>The grade when the loan was granted.</summary>
    public required string Grade { get; init; }

    /// <summary>Optional: the PD when the loan was granted.</summary>
    public decimal? Pd { get; init; }

    /// <summary>Optional: the approved amount.</summary>
    public decimal? ApprovedAmount { get; init; }

    /// <summary>Optional: the effective annual rate expected losses are discounted at; none: not discounted.</summary>
    public decimal? AnnualRate { get; init; }

    /// <summary>Optional: the product; none: the undrawn amount converts in full.</summary>
    public string? Product { get; init; }

    public bool UnconditionallyCancellable { get; init; }

    /// <summary>Optional: the borrower's industry.</summary>
    public string? Industry { get; init; }

    /// <summary>Optional: the borrower's region.</summary>
    public string? Region { get; init; }

    /// <summary>The enterprise size under the national SME size standard, or <c>unclassified</c>.</summary>
    public required string EnterpriseSize { get; init; }

    /// <summary>Other credit the borrower had with the bank.</summary>
    public decimal ExistingExposure { get; init; }

    /// <summary>The collateral type, <c>none</c> when unsecured.</summary>
    public required string CollateralType { get; init; }

    /// <summary>The collateral's value when the loan was granted.</summary>
    public decimal CollateralValue { get; init; }

    /// <summary>Optional: the date the loan is due to be repaid in full.</summary>
    public DateOnly? MaturityDate { get; init; }
}

/// <summary>The rules and settings behind each figure of a review's classification, stage and expected credit loss, as <c>ruleset/rule</c>.</summary>
/// <param name="Classification">The classification rule whose floor set the classification; null when none fired (normal).</param>
/// <param name="Stage">The default trigger (stage 3) or significant-increase rule (stage 2) that set the stage, or the default grade the loan holds; null in stage 1.</param>
/// <param name="Pd12m">The master scale grade the PD is taken from.</param>
/// <param name="PdLifetime">The PD term structure the lifetime PD is built from.</param>
/// <param name="Lgd">The pricing rule that set the LGD.</param>
/// <param name="Ead">The pricing rule that converted the undrawn amount.</param>
/// <param name="RiskWeight">The pricing rule, or for a defaulted loan the monitoring setting, that set the risk weight.</param>
public sealed record ProvisioningBasis(
    string? Classification, string? Stage, string Pd12m, string PdLifetime, string Lgd, string Ead, string RiskWeight);

/// <summary>The five-tier loan classification, best first; the last three are non-performing.</summary>
public enum LoanClassification
{
    Normal,
    SpecialMention,
    Substandard,
    Doubtful,
    Loss,
}

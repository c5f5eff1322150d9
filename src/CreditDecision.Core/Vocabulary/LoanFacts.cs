namespace CreditDecision.Core.Vocabulary;

/// <summary>What rules may read about the credit requested, as <c>loan.*</c> in expressions.</summary>
public sealed class LoanFacts
{
    public required string Product { get; init; }
    public required decimal Amount { get; init; }
    public required int TermMonths { get; init; }
    public required string Purpose { get; init; }
    public required string CollateralType { get; init; }
    public required decimal CollateralValue { get; init; }

    /// <summary>Whether anyone guarantees the loan (kept for rulesets written before <c>guarantees.*</c>).</summary>
    public required bool HasGuarantor { get; init; }

    /// <summary>The sum of every guarantor's amount, recognised or not (kept for rulesets written before <c>guarantees.*</c>).</summary>
    public required decimal GuaranteeAmount { get; init; }

    /// <summary>For a revolving line: the bank may cancel the undrawn part at any time without notice.</summary>
    public required bool UnconditionallyCancellable { get; init; }

    /// <summary>
    /// This loan's debt service over a year at the stress rate of the limit ruleset's Settings.DebtService: interest
    /// only for products repaid from the working-capital cycle, else the level annuity over the term; 0 when the rules
    /// set no stress rate.
    /// </summary>
    public required decimal StressedAnnualDebtService { get; init; }

    /// <summary>
    /// EBITDA over existing annual debt service plus <see cref="StressedAnnualDebtService"/>, at most 99 (99 when there
    /// is no debt service at all and EBITDA is positive); negative when EBITDA is.
    /// </summary>
    public required decimal ProFormaDebtServiceCoverage { get; init; }

    /// <summary>Amount over collateral value; 99 when there is no collateral.</summary>
    public required decimal LoanToValue { get; init; }

    /// <summary>Amount over annual revenue; 99 when there is no revenue.</summary>
    public required decimal AmountToRevenue { get; init; }

    /// <summary>Existing exposure with the bank plus this amount.</summary>
    public required decimal TotalExposureAfter { get; init; }
}

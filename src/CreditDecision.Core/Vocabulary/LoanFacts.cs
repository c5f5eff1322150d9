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
    public required bool HasGuarantor { get; init; }
    public required decimal GuaranteeAmount { get; init; }

    /// <summary>Amount over collateral value; 99 when there is no collateral.</summary>
    public required decimal LoanToValue { get; init; }

    /// <summary>Amount over annual revenue; 99 when there is no revenue.</summary>
    public required decimal AmountToRevenue { get; init; }

    /// <summary>Existing exposure with the bank plus this amount.</summary>
    public required decimal TotalExposureAfter { get; init; }
}

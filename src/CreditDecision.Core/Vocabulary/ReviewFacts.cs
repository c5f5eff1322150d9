namespace CreditDecision.Core.Vocabulary;

/// <summary>What monitoring rules may read about a loan under review, as <c>review.*</c> in expressions.</summary>
public sealed class ReviewFacts
{
    public required string LoanId { get; init; }
    public required string EnterpriseId { get; init; }
    public required string CurrentGrade { get; init; }

    /// <summary>Position of <see cref="CurrentGrade"/> on the rating master scale, 1 = best.</summary>
    public required int CurrentGradeRank { get; init; }

    public required decimal OutstandingAmount { get; init; }
    public required decimal UndrawnAmount { get; init; }
    public required int DaysPastDue { get; init; }
    public required int OverdueInstalments { get; init; }
    public required decimal Utilisation { get; init; }
    public required decimal RevenueChange { get; init; }

    /// <summary><c>none</c>, <c>new</c> or <c>old</c>.</summary>
    public required string TaxArrears { get; init; }

    public required int NewLegalCases { get; init; }
    public required bool EnforcementAction { get; init; }
    public required bool KeyPersonChange { get; init; }
    public required bool OwnershipChange { get; init; }
    public required decimal CollateralValueChange { get; init; }

    /// <summary><c>none</c>, <c>sound</c>, <c>weakened</c> or <c>defaulted</c>.</summary>
    public required string GuarantorStatus { get; init; }

    public required bool RelatedPartyDefault { get; init; }
    public required bool IndustryDownturn { get; init; }
}

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

    // Facts added with the 2027-Q1 monitoring policy; a review recorded before their inputs existed gives each the
    // neutral value named in its summary.

    /// <summary>The loan's terms were changed because of the borrower's financial difficulty; false when not recorded.</summary>
    public bool Restructured { get; init; }

    /// <summary>The restructuring forgave or postponed principal, interest or fees (a distressed restructuring); false when not recorded.</summary>
    public bool DiminishedObligation { get; init; }

    /// <summary>Whole months from the start of the restructuring's observation period to the evaluation date (negative before it starts); 0 when not restructured.</summary>
    public int RestructuringObservationMonths { get; init; }

    /// <summary>Share of the borrower's claims at this bank classified non-performing; 0 when not recorded.</summary>
    public decimal BorrowerNonPerformingShare { get; init; }

    /// <summary>Share of the borrower's debts with all banks more than 90 days past due; 0 when not recorded.</summary>
    public decimal OverdueOver90ShareAllBanks { get; init; }
}

using System.Text.Json.Serialization;

namespace CreditDecision.Core.Contracts;

// JSON and rule expressions use the kebab-case form of each name (RealEstate -> "real-estate").

/// <summary>Industry of the applicant.</summary>
public enum Industry
{
    Manufacturing,
    WholesaleRetail,
    Construction,
    RealEstate,
    Agriculture,
    Hospitality,
    TransportLogistics,
    InformationTechnology,
    ProfessionalServices,
    HealthEducation,
    Mining,
}

/// <summary>Credit product.</summary>
public enum Product
{
    WorkingCapitalLoan,
    TermLoan,
    RevolvingCreditLine,
    TradeFinance,
    EquipmentLoan,
}

/// <summary>Purpose of the loan.</summary>
public enum LoanPurpose
{
    WorkingCapital,
    Equipment,
    Expansion,
    Refinancing,
    TradeSettlement,
}

/// <summary>Type of collateral offered.</summary>
public enum CollateralType
{
    None,
    RealEstate,
    Equipment,
    Receivables,
    Inventory,
    CashDeposit,
}

/// <summary>Tax credit rating of the enterprise, as published by the tax authority.</summary>
public enum TaxCreditRating
{
    [JsonStringEnumMemberName("A")] A,
    [JsonStringEnumMemberName("B")] B,
    [JsonStringEnumMemberName("M")] M,
    [JsonStringEnumMemberName("C")] C,
    [JsonStringEnumMemberName("D")] D,
}

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

/// <summary>Who guarantees a loan.</summary>
public enum GuarantorType
{
    /// <summary>A government financing guarantee fund or institution (政府性融资担保机构).</summary>
    GovernmentGuaranteeFund,

    /// <summary>A licensed financing guarantee company (融资担保公司).</summary>
    ProfessionalGuaranteeCompany,

    /// <summary>Another enterprise.</summary>
    Enterprise,

    /// <summary>The borrower's owner or actual controller, personally.</summary>
    IndividualOwner,
}

/// <summary>Result of sanctions and anti-money-laundering screening.</summary>
public enum SanctionsScreening
{
    /// <summary>No match.</summary>
    Clear,

    /// <summary>A possible match the compliance team has not yet resolved.</summary>
    PotentialMatch,

    /// <summary>A confirmed match with a sanctions or AML list.</summary>
    ConfirmedMatch,
}

/// <summary>Environmental and industrial-policy screening of the enterprise's activity.</summary>
public enum EnvironmentalRestriction
{
    None,
    Restricted,
    Prohibited,
}

/// <summary>Industry items of the national SME size standard (工信部联企业〔2011〕300号), in its order.</summary>
public enum SizeStandardIndustry
{
    /// <summary>(一) 农、林、牧、渔业.</summary>
    Agriculture,

    /// <summary>(二) 工业: mining, manufacturing, utilities.</summary>
    Industry,

    /// <summary>(三) 建筑业.</summary>
    Construction,

    /// <summary>(四) 批发业.</summary>
    Wholesale,

    /// <summary>(五) 零售业.</summary>
    Retail,

    /// <summary>(六) 交通运输业.</summary>
    Transport,

    /// <summary>(七) 仓储业.</summary>
    Warehousing,

    /// <summary>(八) 邮政业.</summary>
    Postal,

    /// <summary>(九) 住宿业.</summary>
    Accommodation,

    /// <summary>(十) 餐饮业.</summary>
    Catering,

    /// <summary>(十一) 信息传输业.</summary>
    InformationTransmission,

    /// <summary>(十二) 软件和信息技术服务业.</summary>
    SoftwareAndItServices,

    /// <summary>(十三) 房地产开发经营.</summary>
    RealEstateDevelopment,

    /// <summary>(十四) 物业管理.</summary>
    PropertyManagement,

    /// <summary>(十五) 租赁和商务服务业.</summary>
    LeasingAndBusinessServices,

    /// <summary>(十六) 其他未列明行业.</summary>
    Other,
}

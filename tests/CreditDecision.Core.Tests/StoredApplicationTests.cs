using System.Text.Json.Nodes;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Tests;

/// <summary>Applications the log stored under the contract before guarantors are read in today's shape.</summary>
public class StoredApplicationTests
{
    private static readonly RulesetSnapshot Shipped = ShippedRules.Snapshot;

    /// <summary>A sample as the earlier contract sent it: the guarantee as two fields, none of the 2027 inputs.</summary>
    private static string Legacy(bool hasGuarantor, decimal? guaranteeAmount)
    {
        var root = JsonNode.Parse(RepoPaths.Sample("healthy-manufacturer"))!.AsObject();
        var applicant = root["applicant"]!.AsObject();
        foreach (var field in new[] { "sizeStandardIndustry", "currentDaysPastDue", "taxVerifiedRevenue", "dishonestJudgementDebtor", "sanctionsScreening", "environmentalRestriction", "workingCapital" })
        {
            applicant.Remove(field);
        }
        var request = root["request"]!.AsObject();
        request.Remove("guarantors");
        request["hasGuarantor"] = hasGuarantor;
        if (guaranteeAmount is { } amount) request["guaranteeAmount"] = amount;
        return root.ToJsonString();
    }

    [Fact]
    public void A_guarantee_becomes_one_guarantor_of_unknown_type_with_the_same_legacy_facts()
    {
        var application = StoredApplication.Read(Legacy(hasGuarantor: true, guaranteeAmount: 1000000m));

        var guarantor = Assert.Single(application.Request!.Guarantors!);
        Assert.Equal(1000000m, guarantor.Amount);
        Assert.Null(guarantor.Type);
        var facts = FactsBuilder.Build(Shipped, application, PortfolioSnapshot.Empty);
        Assert.True(facts.Loan.HasGuarantor);
        Assert.Equal(1000000m, facts.Loan.GuaranteeAmount);
    }

    [Fact]
    public void No_guarantor_becomes_an_empty_list()
    {
        var application = StoredApplication.Read(Legacy(hasGuarantor: false, guaranteeAmount: null));
        Assert.Empty(application.Request!.Guarantors!);
        Assert.False(FactsBuilder.Build(Shipped, application, PortfolioSnapshot.Empty).Loan.HasGuarantor);
    }

    [Fact]
    public void Inputs_the_earlier_contract_lacked_take_their_neutral_values()
    {
        var application = StoredApplication.Read(Legacy(hasGuarantor: true, guaranteeAmount: 1000000m));
        var facts = FactsBuilder.Build(Shipped, application, PortfolioSnapshot.Empty);

        Assert.Equal(FactsBuilder.Unclassified, facts.Applicant.EnterpriseSize);
        Assert.Equal(FactsBuilder.NotAssessed, facts.Applicant.WorkingCapitalGap);
        Assert.Equal(1m, facts.Applicant.RevenueToTaxVerified);
        Assert.Equal("clear", facts.Applicant.SanctionsScreening);
        Assert.False(facts.Applicant.DishonestJudgementDebtor);
        Assert.Equal(0, facts.Applicant.CurrentDaysPastDue);
        // The guarantor's type is unknown, so today's recognition factors give it nothing.
        var guarantees = FactsBuilder.Guarantees(application.Request!.Guarantors, Shipped[Stage.Limit].Settings.GuaranteeRecognition, Shipped[Stage.Rating].Settings.Grades, 2);
        Assert.Equal(1000000m, guarantees.Total);
        Assert.Equal(0m, guarantees.Recognised);
    }

    [Fact]
    public void An_application_in_todays_shape_is_read_as_it_is()
    {
        var application = StoredApplication.Read(RepoPaths.Sample("healthy-manufacturer"));
        Assert.Equal(GuarantorType.ProfessionalGuaranteeCompany, Assert.Single(application.Request!.Guarantors!).Type);
    }
}

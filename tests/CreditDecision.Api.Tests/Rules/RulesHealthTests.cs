using System.Net;

namespace CreditDecision.Api.Tests;

public class RulesHealthTests
{
    [Fact]
    public async Task Service_starts_without_valid_rules_reports_unhealthy_and_refuses_decisions_with_503()
    {
        using var rules = RepoPaths.CopyOfRules();
        File.WriteAllText(Path.Combine(rules.Path, "approval.json"), "{ not json");
        using var app = new CreditDecisionApplication(rules.Path);
        using var client = app.CreateClient();

        var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("approval.json", await health.Content.ReadAsStringAsync());

        var decision = await client.Decide(ApplicationJson.FromSample("healthy-manufacturer"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, decision.StatusCode);
        Assert.Equal("application/problem+json", decision.Content.Headers.ContentType?.MediaType);
    }
}

using CreditDecision.Api.WebConsole;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Provisioning;
using CreditDecision.Core.Provisioning;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace CreditDecision.Api.Pages.Console;

/// <summary>Runs a named stress scenario of the rules folder over the book (POST /portfolio/stress) and shows its report.</summary>
[Authorize(Policy = ConsoleExtensions.Policies.PolicyStaff)]
[EnableRateLimiting(RateLimits.LogScan)]
public sealed class StressModel(BookAnalysis book, RulesHost rules, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Scenario { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? AsOf { get; set; }

    public IReadOnlyList<StressScenario> Scenarios { get; private set; } = [];

    public StressReport? Report { get; private set; }

    public string? Refused { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Scenarios = [.. StressScenarios.Names(rules.Directory).Select(name => StressScenarios.Load(rules.Directory, name).Scenario).OfType<StressScenario>()];
        if (string.IsNullOrEmpty(Scenario)) return;
        if (Scenarios.FirstOrDefault(s => s.Name == Scenario) is not { } scenario)
        {
            Refused = $"There is no valid scenario named '{Scenario}' in the rules folder.";
            return;
        }
        if (rules.Current is not { } snapshot)
        {
            Refused = "No valid rules are loaded.";
            return;
        }
        Report = await book.StressAsync(snapshot, scenario, AsOf ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), cancellationToken);
    }

    /// <summary>The same run for the report as a page.</summary>
    public string ReportLink => $"/console/stress/report?scenario={Uri.EscapeDataString(Scenario ?? "")}&asOf={Report?.AsOf:yyyy-MM-dd}";
}

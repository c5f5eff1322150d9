using CreditDecision.Api.WebConsole;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Provisioning;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Provisioning;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace CreditDecision.Api.Pages.Console;

/// <summary>The book's risk from the latest review of each loan (GET /portfolio/risk), with its migration since a day.</summary>
[Authorize(Policy = ConsoleExtensions.Policies.RulesReaders)]
[EnableRateLimiting(RateLimits.LogScan)]
public sealed class RiskModel(BookAnalysis book, RulesHost rules, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public DateOnly? AsOf { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? Since { get; set; }

    public PortfolioRiskReport? Report { get; private set; }

    public string? Refused { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var asOf = AsOf ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (Since >= asOf)
        {
            Refused = "The earlier day must be before the day of the book.";
            return;
        }
        var grades = rules.Current is { } snapshot ? MonitoringPipeline.Grades(snapshot) : [];
        Report = await book.RiskAsync(asOf, Since, grades, cancellationToken);
    }

    /// <summary>The same query for the report as a page.</summary>
    public string ReportLink => $"/console/risk/report?asOf={Report?.AsOf:yyyy-MM-dd}" + (Since is { } since ? $"&since={since:yyyy-MM-dd}" : "");
}

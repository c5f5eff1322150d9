using CreditDecision.Api.Console;
using CreditDecision.Audit.Log;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace CreditDecision.Api.Pages.Console.Decisions;

[Authorize(Policy = ConsoleExtensions.Policies.Auditors)]
public sealed class IndexModel(IDecisionLog log) : PageModel
{
    private const int PageSize = 25;

    [BindProperty(SupportsGet = true)] public string? ApplicationId { get; set; }
    [BindProperty(SupportsGet = true)] public string? EnterpriseId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Outcome { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int PageNumber { get; set; } = 1;

    public DecisionPage? Results { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, PageNumber);
        Results = await log.SearchAsync(new DecisionQuery(
            Blank(ApplicationId), Blank(EnterpriseId), Outcome is "approve" or "refer" or "decline" ? Outcome : null,
            ConsoleDates.StartOf(From), ConsoleDates.StartOf(To), PageNumber, PageSize, RecordKinds.Decision), cancellationToken);
    }

    public string PageLink(int page) => QueryHelpers.AddQueryString("/console/decisions", new Dictionary<string, string?>
    {
        ["applicationId"] = ApplicationId, ["enterpriseId"] = EnterpriseId, ["outcome"] = Outcome,
        ["from"] = From?.ToString("yyyy-MM-dd"), ["to"] = To?.ToString("yyyy-MM-dd"), ["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

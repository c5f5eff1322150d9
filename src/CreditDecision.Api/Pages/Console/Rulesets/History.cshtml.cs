using CreditDecision.Api.Console;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditDecision.Api.Pages.Console.Rulesets;

[Authorize(Policy = ConsoleExtensions.Policies.RulesReaders)]
public sealed class HistoryModel(RulesHost rules) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    public IReadOnlyList<ArchivedVersion> Versions { get; private set; } = [];

    public string? LiveVersion { get; private set; }

    public void OnGet()
    {
        Versions = rules.Archive.History(Name);
        LiveVersion = rules.Current?.All.FirstOrDefault(r => r.Name == Name)?.Version;
    }
}

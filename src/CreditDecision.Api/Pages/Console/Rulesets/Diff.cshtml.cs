using System.Text;
using CreditDecision.Api.WebConsole;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditDecision.Api.Pages.Console.Rulesets;

[Authorize(Policy = ConsoleExtensions.Policies.RulesReaders)]
public sealed class DiffModel(RulesHost rules) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Name { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string From { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string To { get; set; } = "";

    public bool Missing { get; private set; }
    public RulesetChange? Change { get; private set; }
    public IReadOnlyList<DiffRow> Rows { get; private set; } = [];

    public void OnGet()
    {
        if (rules.Archive.Find(Name, From) is not { } before || rules.Archive.Find(Name, To) is not { } after)
        {
            Missing = true;
            return;
        }
        Change = RulesetDiff.Compare(Name, before, after);
        Rows = SideBySide.Of(Encoding.UTF8.GetString(before), Encoding.UTF8.GetString(after));
    }
}

using CreditDecision.Api.WebConsole;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditDecision.Api.Pages.Console.Rulesets;

[Authorize(Policy = ConsoleExtensions.Policies.RulesReaders)]
public sealed class IndexModel(RulesHost rules) : PageModel
{
    public RulesStatus Status { get; private set; } = RulesStatus.NotLoaded;

    public void OnGet() => Status = rules.Status;
}

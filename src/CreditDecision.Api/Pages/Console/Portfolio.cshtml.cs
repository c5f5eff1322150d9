using CreditDecision.Api.WebConsole;
using CreditDecision.Core.Portfolio;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditDecision.Api.Pages.Console;

/// <summary>The loan book concentration rules measure applications against: exposure and share of the book per dimension.</summary>
[Authorize(Policy = ConsoleExtensions.Policies.RulesReaders)]
public sealed class PortfolioModel(PortfolioHost portfolio) : PageModel
{
    public PortfolioSnapshot Book => portfolio.Current;

    /// <summary>A dimension's exposures, largest first, with each one's share of the whole book.</summary>
    public IEnumerable<(string Name, decimal Exposure, decimal Share)> Largest(IReadOnlyDictionary<string, decimal> exposures) =>
        exposures.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => (e.Key, e.Value, Book.Total > 0 ? e.Value / Book.Total : 0m));
}

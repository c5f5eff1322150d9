using System.ComponentModel.DataAnnotations;
using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Security;
using CreditDecision.Core.Portfolio;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Portfolio;

/// <summary>Configuration section <c>Portfolio</c>.</summary>
public sealed class PortfolioOptions
{
    public const string Section = "Portfolio";

    /// <summary>The portfolio file (exposure by industry, region and group); relative to the content root. Missing means an empty book.</summary>
    [Required] public string File { get; set; } = "";
}

/// <summary>The portfolio as served: its version and the exposures.</summary>
public sealed record PortfolioView(string Version, DateOnly? AsOf, decimal Total,
    IReadOnlyDictionary<string, decimal> ByIndustry, IReadOnlyDictionary<string, decimal> ByRegion, IReadOnlyDictionary<string, decimal> ByGroup)
{
    public static PortfolioView Of(PortfolioSnapshot p) => new(p.Version, p.AsOf, p.Total, p.ByIndustry, p.ByRegion, p.ByGroup);
}

public static class PortfolioEndpoints
{
    public static void AddPortfolio(this WebApplicationBuilder builder)
    {
        builder.Services.AddBookRisk();
        builder.Services.AddOptions<PortfolioOptions>().BindConfiguration(PortfolioOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<PortfolioOptions>>().Value;
            var root = services.GetRequiredService<IHostEnvironment>().ContentRootPath;
            var host = new PortfolioHost(Path.GetFullPath(Path.Combine(root, options.File)));
            var errors = host.Load();
            if (errors.Count > 0)
            {
                throw new InvalidOperationException(
                    $"The portfolio file {host.File} is not valid: {string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))}");
            }
            return host;
        });
    }

    public static void MapPortfolio(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/portfolio").WithTags("Portfolio").RequireRole(Roles.Policy, Roles.Auditor);
        group.MapGet("/", (PortfolioHost portfolio) => TypedResults.Ok(PortfolioView.Of(portfolio.Current)))
            .WithName("GetPortfolio")
            .WithSummary("The live portfolio version that concentration rules measure applications against");
        group.MapPut("/", Replace)
            .RequireRole(Roles.Policy)
            .WithBodyLimit(routes, limits => limits.PortfolioBodyBytes)
            .RequireRateLimiting(RateLimits.PortfolioReplacement)
            .WithName("ReplacePortfolio")
            .WithSummary("Replace the portfolio")
            .WithDescription("Checks the whole document (known industries, no negative or over-total exposures), writes it to the portfolio file and makes it live for the next decision. Each decision records the portfolio version it used.")
            .Accepts<PortfolioDocument>("application/json")
            .ProducesValidationProblem();
        group.MapBookRisk();
    }

    public static async Task<Results<Ok<PortfolioView>, ValidationProblem>> Replace(HttpContext http, PortfolioHost portfolio, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, cancellationToken);
        var (snapshot, errors) = portfolio.Replace(buffer.ToArray());
        return snapshot is null
            ? TypedResults.ValidationProblem(errors, title: "The portfolio is not valid.", detail: "The previous portfolio stays live.")
            : TypedResults.Ok(PortfolioView.Of(snapshot));
    }
}

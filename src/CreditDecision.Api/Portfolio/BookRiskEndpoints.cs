using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Provisioning;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Provisioning;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditDecision.Api.Portfolio;

/// <summary>A stress test: the named scenario of the rules folder's <c>scenarios</c>, over the book as it stood at the end of <see cref="AsOf"/>.</summary>
/// <param name="Scenario">The scenario file's name without <c>.json</c>, e.g. <c>property-downturn</c>.</param>
/// <param name="AsOf">Optional: the day whose book is stressed (today, UTC, when left out).</param>
public sealed record StressRequest([property: Required] [property: StringLength(100, MinimumLength = 1)] string? Scenario, string? AsOf = null);

/// <summary>A scenario a stress test can run.</summary>
public sealed record StressScenarioSummary(string Name, string Version, string Label, string Description);

/// <summary>The book's risk from the latest review of each loan in the log, and stress scenarios run over it.</summary>
public static class BookRiskEndpoints
{
    public static void AddBookRisk(this IServiceCollection services) => services.AddSingleton<BookAnalysis>();

    /// <param name="portfolio">The <c>/portfolio</c> group (policy and auditor).</param>
    public static void MapBookRisk(this RouteGroupBuilder portfolio)
    {
        portfolio.MapGet("/risk", GetRisk)
            .RequireRateLimiting(RateLimits.LogScan)
            .WithName("GetPortfolioRisk")
            .WithSummary("Exposure, expected credit loss, RWA and non-performing ratio of the book, from the latest review of each loan")
            .WithDescription(
                "Reads the latest review of each loan in the decision log by the end of asOf (UTC; today when left out) and adds up outstanding, " +
                "EAD, ECL and RWA, the non-performing outstanding (substandard, doubtful, loss) and its ratio, in total and by grade, stage, " +
                "classification, product, industry and region. With since (a day before asOf), the stage and classification migration of each " +
                "loan from its latest review by then (new: not yet reviewed then). Loans last reviewed by rules that did not provision are " +
                "counted in notAssessed only. With ?format=html, a self-contained page with charts.")
            .WithMetadata(new HtmlAlternative())
            .ProducesValidationProblem();
        portfolio.MapGet("/stress/scenarios", GetScenarios)
            .RequireRole(Roles.Policy)
            .WithName("ListStressScenarios")
            .WithSummary("The named stress scenarios of the rules folder, with their versions");
        portfolio.MapPost("/stress", Stress)
            .RequireRole(Roles.Policy)
            .RequireRateLimiting(RateLimits.LogScan)
            .WithName("RunStressTest")
            .WithSummary("Re-runs the book's latest reviews under a named stress scenario and reports stressed ECL, RWA, migration and concentration breaches")
            .WithDescription(
                "Each loan's latest review by the end of asOf is reviewed again under the live rules twice: as it is (base) and under the scenario " +
                "(revenue and collateral value shocked, the rate raised by the loan prime rate shock, every PD multiplied by the scenario's industry, " +
                "region and rate multipliers). Reports base and stressed figures in total and by industry and region, stage and classification " +
                "migration from base to stressed, and the industries and regions whose share of the scenario's measure breaks its limit. " +
                "Scenarios are JSON files in the rules folder's scenarios folder, versioned by the SHA-256 of their content; an unknown or invalid " +
                "scenario is a 400 naming scenario. With ?format=html, a self-contained page with charts.")
            .WithMetadata(new HtmlAlternative())
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    public static async Task<Results<Ok<PortfolioRiskReport>, ContentHttpResult, ValidationProblem>> GetRisk(
        BookAnalysis book, RulesHost rules, TimeProvider clock, CancellationToken cancellationToken,
        string? asOf = null, string? since = null, string? format = null)
    {
        var errors = new Dictionary<string, string[]>();
        var day = Day(asOf, "asOf", errors) ?? Today(clock);
        var previous = Day(since, "since", errors);
        if (previous >= day) errors["since"] = ["must be a day before asOf"];
        if (format is not (null or "json" or "html")) errors["format"] = ["must be json or html"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The query is not valid.");

        var grades = rules.Current is { } snapshot ? MonitoringPipeline.Grades(snapshot) : [];
        var report = await book.RiskAsync(day, previous, grades, cancellationToken);
        return format == "html" ? TypedResults.Text(BookHtml.Render(report), "text/html; charset=utf-8") : TypedResults.Ok(report);
    }

    public static Ok<IReadOnlyList<StressScenarioSummary>> GetScenarios(RulesHost rules) =>
        TypedResults.Ok<IReadOnlyList<StressScenarioSummary>>([
            .. StressScenarios.Names(rules.Directory)
                .Select(name => StressScenarios.Load(rules.Directory, name).Scenario)
                .OfType<StressScenario>()
                .Select(s => new StressScenarioSummary(s.Name, s.Version, s.Label, s.Description)),
        ]);

    public static async Task<Results<Ok<StressReport>, ContentHttpResult, ValidationProblem>> Stress(
        StressRequest request, BookAnalysis book, RulesHost rules, TimeProvider clock, CancellationToken cancellationToken, string? format = null)
    {
        var errors = new Dictionary<string, string[]>();
        var day = Day(request.AsOf, "asOf", errors) ?? Today(clock);
        if (format is not (null or "json" or "html")) errors["format"] = ["must be json or html"];
        StressScenario? scenario = null;
        if (string.IsNullOrWhiteSpace(request.Scenario)) errors["scenario"] = ["is required: the name of a scenario file"];
        else
        {
            var (loaded, invalid) = StressScenarios.Load(rules.Directory, request.Scenario);
            scenario = loaded;
            if (invalid.Count > 0) errors["scenario"] = [.. invalid.Select(e => $"{StressScenarios.Folder}/{request.Scenario}.json: {e}")];
            else if (loaded is null)
            {
                errors["scenario"] = [$"is not a scenario of the rules folder; there are: {string.Join(", ", StressScenarios.Names(rules.Directory))}"];
            }
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The stress test request is not valid.");

        var snapshot = rules.Current ?? throw new RulesNotLoadedException(rules.Status);
        var report = await book.StressAsync(snapshot, scenario!, day, cancellationToken);
        return format == "html" ? TypedResults.Text(BookHtml.Render(report), "text/html; charset=utf-8") : TypedResults.Ok(report);
    }

    private static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private static DateOnly? Day(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (value is null) return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        errors[field] = ["must be a date, yyyy-MM-dd"];
        return null;
    }
}

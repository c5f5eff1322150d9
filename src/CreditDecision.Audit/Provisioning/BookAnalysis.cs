using System.Runtime.CompilerServices;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Provisioning;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Provisioning;

/// <summary>
/// The book as the log holds it, the latest review of each loan by the end of a day: its risk figures, and a stress
/// scenario run over it. Reviews are streamed from the log, never held all at once.
/// </summary>
public sealed class BookAnalysis(IDecisionLog log)
{
    /// <param name="grades">The master scale, best first, to order the grades by.</param>
    /// <param name="since">A previous day: the report then shows how stages and classifications moved since.</param>
    public Task<PortfolioRiskReport> RiskAsync(DateOnly asOf, DateOnly? since, IReadOnlyList<string> grades, CancellationToken cancellationToken) =>
        PortfolioRisk.BuildAsync(asOf, Loans(asOf, cancellationToken), grades, since, since is { } day ? Loans(day, cancellationToken) : null, cancellationToken);

    /// <summary>Reviews the book again under <paramref name="snapshot"/>, as it is and under <paramref name="scenario"/>.</summary>
    public Task<StressReport> StressAsync(RulesetSnapshot snapshot, StressScenario scenario, DateOnly asOf, CancellationToken cancellationToken) =>
        StressTest.RunAsync(snapshot, scenario, asOf, Reviews(asOf, cancellationToken), cancellationToken);

    /// <summary>Reviews recorded by the end of <paramref name="day"/> (UTC) belong to the book of that day.</summary>
    public static DateTimeOffset EndOf(DateOnly day) => new(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private async IAsyncEnumerable<ReviewedLoan> Loans(DateOnly day, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var review in log.LatestReviewsAsync(EndOf(day), withRequests: false, cancellationToken)) yield return ReviewedLoan.Read(review.ResponseJson);
    }

    private async IAsyncEnumerable<(string RequestJson, string ResponseJson)> Reviews(DateOnly day, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var review in log.LatestReviewsAsync(EndOf(day), withRequests: true, cancellationToken)) yield return (review.RequestJson!, review.ResponseJson);
    }
}

using System.Text.Json;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;

namespace CreditDecision.Audit.Finals;

/// <summary>How often credit officers overrode the engine, and the referrals left waiting.</summary>
/// <param name="Finals">Final decisions recorded in the period that no later final superseded.</param>
/// <param name="Overrides">Of those, the ones that override the engine (outcome or limit).</param>
/// <param name="OverrideRate">Overrides / finals; 0 when there are none.</param>
/// <param name="ByReason">Overrides per override reason code; the rate is of all finals.</param>
/// <param name="ByGrade">Finals and overrides per grade of the engine decision.</param>
/// <param name="ByAuthorityLevel">Finals and overrides per level the final needed.</param>
/// <param name="ByOfficer">Finals and overrides per credit officer.</param>
/// <param name="OpenReferralDays">The configured number of days after which an open referral is listed (FinalDecisions:OpenReferralDays).</param>
/// <param name="OpenReferrals">Referrals decided more than that many days ago that no final decision has closed, oldest first (at most the first 200).</param>
/// <param name="OpenReferralCount">How many such referrals there are.</param>
/// <param name="KnockOutApprovals">Every final in the period that approves over the engine's knock-outs.</param>
public sealed record OverrideReport(
    DateTimeOffset? From,
    DateTimeOffset? To,
    long Finals,
    long Overrides,
    decimal OverrideRate,
    IReadOnlyList<OverrideGroup> ByReason,
    IReadOnlyList<OverrideGroup> ByGrade,
    IReadOnlyList<OverrideGroup> ByAuthorityLevel,
    IReadOnlyList<OverrideGroup> ByOfficer,
    int OpenReferralDays,
    long OpenReferralCount,
    IReadOnlyList<Referral> OpenReferrals,
    IReadOnlyList<FinalDecision> KnockOutApprovals);

/// <summary>One group of finals: how many, how many override the engine, and that rate.</summary>
public sealed record OverrideGroup(string Key, long Finals, long Overrides, decimal OverrideRate);

/// <summary>Builds the override report from the log: the finals of the period, each read with the engine decision it finalises.</summary>
public static class OverrideReporter
{
    public const int MaxListedReferrals = 200;

    public static async Task<OverrideReport> ReportAsync(
        IDecisionLog log, DateTimeOffset? from, DateTimeOffset? to, int openReferralDays, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<Guid, FinalDecision>();
        await foreach (var record in log.ExportAsync(from, to, cancellationToken))
        {
            if (record.Kind != RecordKinds.Final) continue;
            var final = JsonSerializer.Deserialize<FinalDecision>(record.ResponseJson, ContractJson.Options)!;
            latest[final.DecisionId] = final;
        }
        var finals = new List<(FinalDecision Final, string Grade)>(latest.Count);
        foreach (var final in latest.Values)
        {
            var decision = await log.FindAsync(final.DecisionId, cancellationToken);
            var grade = decision is null ? "unknown" : FinalDecisionChecks.EngineDecision(decision).Rating.Grade;
            finals.Add((final, grade));
        }

        var (openCount, open) = await OpenReferralsAsync(log, now.AddDays(-openReferralDays), cancellationToken);
        var overrides = finals.Count(f => f.Final.Overridden);
        return new OverrideReport(
            from, to, finals.Count, overrides, Rate(overrides, finals.Count),
            [.. finals.Where(f => f.Final.Overridden).GroupBy(f => f.Final.OverrideReason ?? "none").OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new OverrideGroup(g.Key, finals.Count, g.Count(), Rate(g.Count(), finals.Count)))],
            Groups(finals, f => f.Grade),
            Groups(finals, f => f.Final.RequiredAuthorityLevel),
            Groups(finals, f => f.Final.Officer),
            openReferralDays, openCount, open,
            [.. finals.Select(f => f.Final).Where(f => f.KnockOuts.Count > 0).OrderBy(f => f.DecidedAt)]);
    }

    private static List<OverrideGroup> Groups(List<(FinalDecision Final, string Grade)> finals, Func<(FinalDecision Final, string Grade), string> key) =>
        [.. finals.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var overrides = g.Count(f => f.Final.Overridden);
            return new OverrideGroup(g.Key, g.Count(), overrides, Rate(overrides, g.Count()));
        })];

    private static async Task<(long Count, List<Referral> Listed)> OpenReferralsAsync(IDecisionLog log, DateTimeOffset decidedBefore, CancellationToken cancellationToken)
    {
        var listed = new List<Referral>();
        long count = 0;
        for (var page = 1; ; page++)
        {
            var records = await log.ReferralsAsync(new ReferralQuery(false, decidedBefore, null, page, MaxListedReferrals), cancellationToken);
            var onPage = records.Take(MaxListedReferrals).ToList();
            count += onPage.Count;
            if (listed.Count < MaxListedReferrals) listed.AddRange(onPage.Select(Referral.From).Take(MaxListedReferrals - listed.Count));
            if (records.Count <= MaxListedReferrals) return (count, listed);
        }
    }

    private static decimal Rate(long part, long whole) => whole == 0 ? 0m : decimal.Round((decimal)part / whole, 4);
}

using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CreditDecision.Audit.Drafts;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Recording;

/// <summary>
/// The one place a log record is made, one method per kind: each says what its record's subject and outcome are,
/// and the rest (request hash, snapshot and ruleset versions, engine and service versions, caller) is filled in
/// alike. The chain then gives the record its position and hashes (<see cref="DecisionChain.Link"/>).
/// </summary>
public static class LogRecords
{
    /// <summary>The subject of every promotion record.</summary>
    public const string PromotionSubject = "rules-promotion";

    public static readonly string EngineVersion = VersionOf(typeof(RulesEngine.RulesEngine).Assembly);
    public static readonly string ServiceVersion = VersionOf(typeof(DecisionPipeline).Assembly);

    /// <summary>A decision of <c>POST /decide</c>: the application as the service understood it and the response as sent.</summary>
    /// <param name="requestJson">The application in the contract's canonical JSON (see <see cref="RequestJson"/>).</param>
    /// <param name="activation">The cluster activation number of <paramref name="snapshot"/>, where there is one.</param>
    /// <remarks>The record comes with the form the store keeps it in (<see cref="StoredJson.Decision"/>).</remarks>
    public static LogRecord Decision(
        LoanApplication application, string requestJson, DecisionResponse response, RulesetSnapshot snapshot, CallerContext caller, long? activation = null)
    {
        var template = TraceTemplate.Of(snapshot);
        var (responseJson, traceless) = StoredJson.Serialize(response, template);
        var record = Make(RecordKinds.Decision, response.DecisionId, response.ApplicationId, application.Applicant!.EnterpriseId!, response.Outcome,
            response.DecidedAt, caller, requestJson, responseJson, snapshot, activation);
        return StoredJson.Decision(record, response, traceless, template);
    }

    /// <summary>One loan review of <c>POST /monitor</c>: its subject is the loan, its outcome the warning level.</summary>
    public static LogRecord Review(LoanReview review, MonitoringResult result, RulesetSnapshot snapshot, CallerContext caller) =>
        Make(RecordKinds.Monitoring, result.MonitoringId, result.LoanId, result.EnterpriseId, result.WarningLevel, result.ReviewedAt,
            caller, RequestJson(review), JsonSerializer.Serialize(result, ContractJson.Options), snapshot, activation: null);

    /// <summary>
    /// Rules made the champion, the challenger's or an approved draft's: the version sets before and after, and who did
    /// it; for a draft also its maker(s), checker, rationale and the evidence the checker approved on.
    /// </summary>
    public static LogRecord Promotion(
        string previousSnapshotId, RulesetSnapshot promoted, DateTimeOffset promotedAt, CallerContext caller, DraftApproval? approval = null) =>
        Make(RecordKinds.Promotion, Guid.CreateVersion7(promotedAt), PromotionSubject, enterpriseId: "", "promoted", promotedAt,
            caller, approval is null ? RequestJson(new { snapshotId = promoted.Id }) : RequestJson(new { snapshotId = promoted.Id, draftId = approval.DraftId }),
            approval is null
                ? JsonSerializer.Serialize(
                    new { previousSnapshotId, snapshotId = promoted.Id, promotedAt, promotedBy = caller.Caller, rulesets = promoted.AllVersionRefs },
                    ContractJson.Options)
                : JsonSerializer.Serialize(
                    new { previousSnapshotId, snapshotId = promoted.Id, promotedAt, promotedBy = caller.Caller, rulesets = promoted.AllVersionRefs, approval },
                    ContractJson.Options),
            promoted, activation: null);

    /// <summary>
    /// A credit officer's final decision: its subject is the engine decision it finalises (the link, covered by the
    /// hash like every field), its request the officer's request with that decision's id, its snapshot the rules
    /// whose policy and authority levels it was checked against.
    /// </summary>
    public static LogRecord Final(FinalDecisionRequest request, FinalDecision final, LogRecord decision, RulesetSnapshot snapshot, CallerContext caller) =>
        Make(RecordKinds.Final, final.FinalDecisionId, final.DecisionId.ToString("D"), decision.EnterpriseId, final.Outcome, final.DecidedAt,
            caller, RequestJson(new { decisionId = final.DecisionId, final = request }), JsonSerializer.Serialize(final, ContractJson.Options),
            snapshot, activation: null);

    /// <summary>
    /// A performance event of a decided loan (<c>POST /outcomes</c>): its subject is the application, its outcome the
    /// event. The request and response both hold the outcome with its decision and application resolved; its id is
    /// <see cref="OutcomeId"/>, so the same event sent twice is one record.
    /// </summary>
    public static LogRecord Outcome(LoanOutcome outcome, string enterpriseId, DateTimeOffset recordedAt, RulesetSnapshot snapshot, CallerContext caller)
    {
        var json = RequestJson(outcome);
        return Make(RecordKinds.Outcome, OutcomeId(outcome.DecisionId!.Value, outcome.Event!.Value, outcome.Date!.Value), outcome.ApplicationId!,
            enterpriseId, ContractJson.WireName(outcome.Event!.Value), recordedAt, caller with { IdempotencyKey = null }, json, json, snapshot, activation: null);
    }

    /// <summary>
    /// The id of an outcome record, derived from its decision, event and date (an RFC 9562 version 8 UUID from their
    /// SHA-256): whoever sends the same event, and however often, it is recorded once.
    /// </summary>
    public static Guid OutcomeId(Guid decisionId, OutcomeEvent outcomeEvent, DateOnly date) =>
        ContentId(string.Create(CultureInfo.InvariantCulture, $"outcome\n{decisionId:D}\n{ContractJson.WireName(outcomeEvent)}\n{date:yyyy-MM-dd}"));

    /// <summary>
    /// The id of a final decision, derived from the decision and the final it supersedes (none for the first): two
    /// officers recording the first final of a decision on two nodes at once make the same id, and the log keeps one.
    /// </summary>
    public static Guid FinalId(Guid decisionId, Guid? supersedes) =>
        ContentId($"final\n{decisionId:D}\n{(supersedes is { } earlier ? earlier.ToString("D") : "first")}");

    /// <summary>An RFC 9562 version 8 UUID from the SHA-256 of a text.</summary>
    private static Guid ContentId(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>A request in the contract's canonical JSON, as the log keeps it and its hash covers it.</summary>
    public static string RequestJson<T>(T request) => JsonSerializer.Serialize(request, ContractJson.Options);

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static LogRecord Make(
        string kind, Guid id, string subject, string enterpriseId, string outcome, DateTimeOffset at, CallerContext caller,
        string requestJson, string responseJson, RulesetSnapshot snapshot, long? activation) => new()
    {
        Kind = kind,
        RecordId = id,
        Subject = subject,
        EnterpriseId = enterpriseId,
        Outcome = outcome,
        RecordedAt = at,
        Caller = caller.Caller,
        RequestId = caller.RequestId,
        IdempotencyKey = caller.IdempotencyKey,
        RequestHash = Sha256(requestJson),
        RequestJson = requestJson,
        ResponseJson = responseJson,
        SnapshotId = snapshot.Id,
        RulesetVersions = RulesetVersionsJson.Of(snapshot),
        EngineVersion = EngineVersion,
        ServiceVersion = ServiceVersion,
        ClusterActivation = activation,
    };

    private static string VersionOf(Assembly assembly) =>
        $"{assembly.GetName().Name} {assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString()}";
}

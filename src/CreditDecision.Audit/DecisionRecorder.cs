using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit;

/// <summary>Who asked for a decision, and the keys that make a retry safe.</summary>
/// <param name="IdempotencyKey">The client's key; a second request of the same caller with it returns the first decision.</param>
public sealed record DecisionRequestContext(string Caller, string RequestId, string? IdempotencyKey);

/// <summary>
/// A decision as the caller receives it: the response JSON exactly as logged (serialized once, for the log and the
/// caller alike). <see cref="Replayed"/> when it is the stored answer to an earlier request.
/// </summary>
public sealed record RecordedDecision(Guid DecisionId, string ResponseJson, bool Replayed);

/// <summary>
/// Makes a decision and writes it to the log before anyone sees it: a decision returned by
/// <see cref="DecideAsync"/> is durable. A request under an idempotency key its caller already used gets the stored decision;
/// keys are per caller, so two callers never see each other's decisions.
/// A logged decision is then offered to the challenger, if one is configured, without waiting for it.
/// </summary>
public sealed class DecisionRecorder(
    DecisionService decisions, IDecisionLog log, DecisionLogWriter writer, ChallengerShadow? challenger = null, IActivationNumbers? activations = null)
{
    public static readonly string EngineVersion = VersionOf(typeof(RulesEngine.RulesEngine).Assembly);
    public static readonly string ServiceVersion = VersionOf(typeof(DecisionPipeline).Assembly);

    /// <exception cref="IdempotencyConflictException">The key was used before for a different request.</exception>
    public async Task<RecordedDecision> DecideAsync(LoanApplication application, DecisionRequestContext context, CancellationToken cancellationToken)
    {
        var requestJson = JsonSerializer.Serialize(application, ContractJson.Options);
        var requestHash = Sha256(requestJson);
        if (context.IdempotencyKey is { } key && await log.FindByIdempotencyKeyAsync(context.Caller, key, cancellationToken) is { } earlier)
        {
            return Replay(earlier, requestHash);
        }

        var (response, snapshot, portfolio) = decisions.Decide(application);
        var record = RecordOf(application, requestJson, requestHash, response, snapshot, context, activations?.ActivationOf(snapshot));
        var stored = await writer.AppendAsync(record, snapshot, portfolio, cancellationToken);
        if (stored.Duplicate) return Replay(stored.Record, requestHash);
        challenger?.Offer(application, response, portfolio);
        return new RecordedDecision(record.DecisionId, record.ResponseJson, Replayed: false);
    }

    /// <summary>The log record of a decision, before the chain gives it a position and hashes.</summary>
    /// <param name="activation">The cluster activation number of <paramref name="snapshot"/>, where there is one.</param>
    public static DecisionRecord RecordOf(
        LoanApplication application, string requestJson, string requestHash, DecisionResponse response, RulesetSnapshot snapshot,
        DecisionRequestContext context, long? activation = null) => new()
    {
        DecisionId = response.DecisionId,
        ApplicationId = response.ApplicationId,
        EnterpriseId = application.Applicant!.EnterpriseId!,
        Outcome = response.Outcome,
        DecidedAt = response.DecidedAt,
        Caller = context.Caller,
        RequestId = context.RequestId,
        IdempotencyKey = context.IdempotencyKey,
        RequestHash = requestHash,
        RequestJson = requestJson,
        ResponseJson = JsonSerializer.Serialize(response, ContractJson.Options),
        SnapshotId = snapshot.Id,
        RulesetVersions = RulesetVersionsJson.Of(snapshot),
        EngineVersion = EngineVersion,
        ServiceVersion = ServiceVersion,
        Activation = activation,
    };

    private static RecordedDecision Replay(DecisionRecord earlier, string requestHash)
    {
        if (earlier.RequestHash != requestHash) throw new IdempotencyConflictException(earlier.IdempotencyKey!, earlier.DecisionId);
        return new RecordedDecision(earlier.DecisionId, earlier.ResponseJson, Replayed: true);
    }

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string VersionOf(Assembly assembly) =>
        $"{assembly.GetName().Name} {assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString()}";
}

/// <summary>An idempotency key came back with a different request body.</summary>
public sealed class IdempotencyConflictException(string key, Guid decisionId)
    : Exception($"Idempotency key '{key}' was already used for a different request (decision {decisionId}).")
{
    public string Key { get; } = key;
    public Guid DecisionId { get; } = decisionId;
}

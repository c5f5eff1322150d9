using System.ComponentModel.DataAnnotations;

namespace CreditDecision.Core.Contracts;

/// <summary>The outcomes a credit officer may record as the final decision.</summary>
public static class FinalOutcomes
{
    public const string Approve = "approve";
    public const string Decline = "decline";
    public const string ApproveWithConditions = "approve-with-conditions";

    public static readonly IReadOnlyList<string> All = [Approve, Decline, ApproveWithConditions];

    public static bool Approves(string outcome) => outcome is Approve or ApproveWithConditions;
}

/// <summary>What a credit officer decided on an engine decision (<c>POST /decisions/{decisionId}/final</c>).</summary>
/// <remarks>Members are nullable so that one validation pass can name every missing or bad field at once.</remarks>
public sealed record FinalDecisionRequest
{
    /// <summary><c>approve</c>, <c>decline</c> or <c>approve-with-conditions</c>.</summary>
    [Required]
    [ClosedSet(FinalOutcomes.Approve, FinalOutcomes.Decline, FinalOutcomes.ApproveWithConditions)]
    public string? Outcome { get; init; }

    /// <summary>The amount the bank lends: required when approving (more than 0), absent or 0 for a decline.</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)]
    public decimal? ApprovedAmount { get; init; }

    /// <summary>The annual interest rate as a fraction: required when approving.</summary>
    [Range(typeof(decimal), "0", "1")]
    public decimal? AnnualRate { get; init; }

    /// <summary>
    /// Condition codes from the authority ruleset's <c>Settings.FinalDecisions.Conditions</c> (collateral, guarantor,
    /// covenant and drawdown conditions): at least one for <c>approve-with-conditions</c>, none otherwise.
    /// </summary>
    [MaxLength(20)]
    public IReadOnlyList<string>? Conditions { get; init; }

    /// <summary>
    /// A code from <c>Settings.FinalDecisions.OverrideReasons</c>: required when the final outcome overrides the engine
    /// (approving what it declined, declining what it approved) and when the amount is above the engine's limit.
    /// </summary>
    [StringLength(64, MinimumLength = 1)]
    public string? OverrideReason { get; init; }

    /// <summary>The id of the final decision this one corrects: a decision has one final decision, and a correction supersedes the latest.</summary>
    public Guid? Supersedes { get; init; }

    /// <summary>Why the earlier final decision is corrected: required with <c>supersedes</c>.</summary>
    [StringLength(1000, MinimumLength = 1)]
    public string? CorrectionReason { get; init; }

    /// <summary>The officer's free-text note.</summary>
    [StringLength(2000)]
    public string? Note { get; init; }
}

/// <summary>A final decision as logged: what the officer decided, on which engine decision, and the authority it needed.</summary>
/// <param name="FinalDecisionId">The id of this record in the decision log.</param>
/// <param name="DecisionId">The engine decision it finalises.</param>
/// <param name="EngineOutcome">The engine's outcome: approve, refer or decline.</param>
/// <param name="EngineApprovedAmount">The engine's approved amount (its limit); 0 for a decline.</param>
/// <param name="RequiredAuthorityLevel">The level the final decision needed: the decision's authorityLevel, raised by the override reason's minimum level.</param>
/// <param name="Officer">The API key (or console user) that recorded it.</param>
/// <param name="OfficerAuthorityLevel">The officer's configured authority level when it was recorded.</param>
/// <param name="Overridden">True when the final outcome overrides the engine's or the amount exceeds its limit.</param>
/// <param name="KnockOuts">The engine's knock-out reason codes an approval overrides; empty otherwise.</param>
public sealed record FinalDecision(
    Guid FinalDecisionId,
    Guid DecisionId,
    string ApplicationId,
    [property: ClosedSet(FinalOutcomes.Approve, FinalOutcomes.Decline, FinalOutcomes.ApproveWithConditions)] string Outcome,
    decimal ApprovedAmount,
    decimal? AnnualRate,
    IReadOnlyList<string> Conditions,
    string? OverrideReason,
    bool Overridden,
    IReadOnlyList<string> KnockOuts,
    [property: ClosedSet(Decisions.DecisionPipeline.Approve, Decisions.DecisionPipeline.Refer, Decisions.DecisionPipeline.Decline)] string EngineOutcome,
    decimal EngineApprovedAmount,
    string RequiredAuthorityLevel,
    string Officer,
    string OfficerAuthorityLevel,
    Guid? Supersedes,
    string? CorrectionReason,
    string? Note,
    DateTimeOffset DecidedAt);

namespace CreditDecision.Core.Rules;

/// <summary>
/// The post-loan recovery path, mildest first: watch, then soft recovery (talk to the borrower), credit recovery
/// (use the bank's contractual rights), hard recovery (courts and write-off). The order is the severity order.
/// </summary>
public enum RecoveryAction
{
    None,
    WatchList,
    Contact,
    Reminder,
    RestructuringTalk,
    CallGuarantee,
    AddCollateral,
    EnforceCollateral,
    FreezeUndrawnLine,
    LegalAction,
    WriteOffReview,
}

/// <summary>The phase of the recovery path an action belongs to.</summary>
public enum RecoveryPhase
{
    None,
    Watch,
    SoftRecovery,
    CreditRecovery,
    HardRecovery,
}

public static class RecoveryPath
{
    public static RecoveryPhase PhaseOf(RecoveryAction action) => action switch
    {
        RecoveryAction.None => RecoveryPhase.None,
        RecoveryAction.WatchList => RecoveryPhase.Watch,
        RecoveryAction.Contact or RecoveryAction.Reminder or RecoveryAction.RestructuringTalk => RecoveryPhase.SoftRecovery,
        RecoveryAction.CallGuarantee or RecoveryAction.AddCollateral or RecoveryAction.EnforceCollateral or RecoveryAction.FreezeUndrawnLine => RecoveryPhase.CreditRecovery,
        _ => RecoveryPhase.HardRecovery,
    };
}

/// <summary>The kebab-case name of an enum value as rule files and responses write it, e.g. <c>freeze-undrawn-line</c>.</summary>
public static class KebabCase
{
    public static string Of<T>(T value) where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
}

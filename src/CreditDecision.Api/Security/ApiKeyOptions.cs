namespace CreditDecision.Api.Security;

/// <summary>
/// The API keys, by name, from the <c>Auth:ApiKeys</c> section, e.g. <c>Auth__ApiKeys__lender__KeyHash</c> and
/// <c>Auth__ApiKeys__lender__Roles__0=originator</c> from the environment.
/// </summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Auth";

    public Dictionary<string, ApiKeyEntry> ApiKeys { get; set; } = new(StringComparer.Ordinal);
}

public sealed class ApiKeyEntry
{
    /// <summary>Hex SHA-256 of the key: what production configuration holds.</summary>
    public string? KeyHash { get; set; }

    /// <summary>The key itself, accepted for development and tests.</summary>
    public string? Key { get; set; }

    public string[] Roles { get; set; } = [];

    /// <summary>For a credit-officer key: its approval authority, one of <see cref="AuthorityLevels.Officers"/>.</summary>
    public string? AuthorityLevel { get; set; }
}

/// <summary>The approval levels a credit officer's key may carry, lowest first (the levels of the authority ruleset above automatic).</summary>
public static class AuthorityLevels
{
    public static readonly IReadOnlyList<string> Officers = ["branch-officer", "branch-committee", "head-office"];

    /// <summary>The claim that carries a key's authority level.</summary>
    public const string ClaimType = "authority-level";
}

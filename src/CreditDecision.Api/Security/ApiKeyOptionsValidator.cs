using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Security;

/// <summary>Checked at start: the service does not start without keys, or with a key it could not use.</summary>
public sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    private const int MinKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        if (options.ApiKeys.Count == 0)
        {
            return ValidateOptionsResult.Fail(
                "No API keys are configured. Set Auth:ApiKeys:{name}:KeyHash (hex SHA-256 of the key) and Auth:ApiKeys:{name}:Roles " +
                $"(any of {string.Join(", ", Roles.All)}), e.g. Auth__ApiKeys__lender__KeyHash and Auth__ApiKeys__lender__Roles__0=originator.");
        }
        var failures = options.ApiKeys.SelectMany(entry => Problems(entry.Key, entry.Value)).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> Problems(string name, ApiKeyEntry key)
    {
        var at = $"Auth:ApiKeys:{name}";
        if (key.KeyHash is null && key.Key is null) yield return $"{at}: set KeyHash (hex SHA-256 of the key) or Key.";
        if (key.KeyHash is not null && key.Key is not null) yield return $"{at}: set KeyHash or Key, not both.";
        if (key.KeyHash is { } hash && (hash.Length != 64 || !hash.All(char.IsAsciiHexDigit)))
        {
            yield return $"{at}:KeyHash must be 64 hexadecimal characters (a SHA-256).";
        }
        if (key.Key is { } plain && (plain.Length < MinKeyLength || plain.Length > ApiKeyRing.MaxKeyLength || !plain.All(c => c is > ' ' and <= '~')))
        {
            yield return $"{at}:Key must be {MinKeyLength} to {ApiKeyRing.MaxKeyLength} printable ASCII characters without spaces.";
        }
        if (key.Roles.Length == 0) yield return $"{at}:Roles must name at least one of {string.Join(", ", Roles.All)}.";
        foreach (var role in key.Roles.Where(role => !Roles.All.Contains(role)))
        {
            yield return $"{at}:Roles: '{role}' is not a role; use {string.Join(", ", Roles.All)}.";
        }
        var officer = key.Roles.Contains(Security.Roles.CreditOfficer);
        if (officer && key.AuthorityLevel is null)
        {
            yield return $"{at}:AuthorityLevel is required for a {Security.Roles.CreditOfficer} key: one of {string.Join(", ", AuthorityLevels.Officers)}.";
        }
        if (key.AuthorityLevel is { } level && !AuthorityLevels.Officers.Contains(level))
        {
            yield return $"{at}:AuthorityLevel: '{level}' is not an authority level; use {string.Join(", ", AuthorityLevels.Officers)}.";
        }
        if (!officer && key.AuthorityLevel is not null) yield return $"{at}:AuthorityLevel is given only for a {Security.Roles.CreditOfficer} key.";
    }
}

using System.Security.Cryptography;
using System.Text;

namespace CreditDecision.Api.Tests;

/// <summary>An API key the test application is configured with.</summary>
public sealed record TestKey(string Name, string Key, bool ConfiguredAsHash, params string[] Roles)
{
    /// <summary>A credit officer's authority level (Auth:ApiKeys:{name}:AuthorityLevel).</summary>
    public string? AuthorityLevel { get; init; }
}

/// <summary>The keys every test application knows: one per role, and one with all roles that clients send by default.</summary>
public static class TestKeys
{
    public const string Header = "X-Api-Key";

    public static readonly TestKey AllRoles = new("test-operator", "test-key-with-all-roles-0001", false, "originator", "policy", "auditor", "operator", "model-risk");
    public static readonly TestKey Lender = new("lender", "test-key-originator-0002", false, "originator");
    public static readonly TestKey PolicyTeam = new("policy-team", "test-key-policy-0003", false, "policy");
    public static readonly TestKey Auditor = new("auditor", "test-key-auditor-0004", true, "auditor");
    public static readonly TestKey Operations = new("operations", "test-key-operator-0005", true, "operator");
    public static readonly TestKey ModelRisk = new("model-validation", "test-key-model-risk-0006", true, "model-risk");

    public static readonly TestKey BranchOfficer = new("branch-officer-li", "test-key-officer-branch-0006", false, "credit-officer") { AuthorityLevel = "branch-officer" };
    public static readonly TestKey BranchCommittee = new("branch-committee-wang", "test-key-officer-committee-0007", true, "credit-officer") { AuthorityLevel = "branch-committee" };
    public static readonly TestKey HeadOffice = new("head-office-zhao", "test-key-officer-head-office-0008", false, "credit-officer") { AuthorityLevel = "head-office" };

    /// <summary>A key that both originates applications and decides them: separation of duties stops it finalising its own.</summary>
    public static readonly TestKey OriginatingOfficer = new("originating-officer", "test-key-originator-officer-0009", false, "originator", "credit-officer") { AuthorityLevel = "head-office" };

    public static readonly IReadOnlyList<TestKey> All = [AllRoles, Lender, PolicyTeam, Auditor, Operations, BranchOfficer, BranchCommittee, HeadOffice, OriginatingOfficer, ModelRisk];

    /// <summary>The configuration entries for <paramref name="keys"/> (by default <see cref="All"/>), as <c>Auth:ApiKeys:{name}:…</c> settings.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Settings(IEnumerable<TestKey>? keys = null) => (keys ?? All).SelectMany(key =>
    {
        var at = $"Auth:ApiKeys:{key.Name}";
        var secret = key.ConfiguredAsHash
            ? KeyValuePair.Create($"{at}:KeyHash", Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key.Key))))
            : KeyValuePair.Create($"{at}:Key", key.Key);
        var settings = key.Roles.Select((role, i) => KeyValuePair.Create($"{at}:Roles:{i}", role)).Prepend(secret);
        return key.AuthorityLevel is { } level ? settings.Append(KeyValuePair.Create($"{at}:AuthorityLevel", level)) : settings;
    });

    /// <summary>The same settings as environment variables, for a service started as a process.</summary>
    public static IEnumerable<KeyValuePair<string, string>> EnvironmentVariables() =>
        Settings().Select(setting => KeyValuePair.Create(setting.Key.Replace(":", "__", StringComparison.Ordinal), setting.Value));

    public static HttpClient WithKey(this HttpClient client, TestKey? key)
    {
        client.DefaultRequestHeaders.Remove(Header);
        if (key is not null) client.DefaultRequestHeaders.Add(Header, key.Key);
        return client;
    }
}

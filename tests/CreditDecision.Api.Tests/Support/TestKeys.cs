using System.Security.Cryptography;
using System.Text;

namespace CreditDecision.Api.Tests;

/// <summary>An API key the test application is configured with.</summary>
public sealed record TestKey(string Name, string Key, bool ConfiguredAsHash, params string[] Roles);

/// <summary>The keys every test application knows: one per role, and one with all roles that clients send by default.</summary>
public static class TestKeys
{
    public const string Header = "X-Api-Key";

    public static readonly TestKey AllRoles = new("test-operator", "test-key-with-all-roles-0001", false, "originator", "policy", "auditor", "operator");
    public static readonly TestKey Lender = new("lender", "test-key-originator-0002", false, "originator");
    public static readonly TestKey PolicyTeam = new("policy-team", "test-key-policy-0003", false, "policy");
    public static readonly TestKey Auditor = new("auditor", "test-key-auditor-0004", true, "auditor");
    public static readonly TestKey Operations = new("operations", "test-key-operator-0005", true, "operator");

    public static readonly IReadOnlyList<TestKey> All = [AllRoles, Lender, PolicyTeam, Auditor, Operations];

    /// <summary>The configuration entries for <paramref name="keys"/> (by default <see cref="All"/>), as <c>Auth:ApiKeys:{name}:…</c> settings.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Settings(IEnumerable<TestKey>? keys = null) => (keys ?? All).SelectMany(key =>
    {
        var at = $"Auth:ApiKeys:{key.Name}";
        var secret = key.ConfiguredAsHash
            ? KeyValuePair.Create($"{at}:KeyHash", Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key.Key))))
            : KeyValuePair.Create($"{at}:Key", key.Key);
        return key.Roles.Select((role, i) => KeyValuePair.Create($"{at}:Roles:{i}", role)).Prepend(secret);
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

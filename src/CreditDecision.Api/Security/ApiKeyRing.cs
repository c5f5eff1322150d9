using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Security;

/// <summary>The configured keys as SHA-256 hashes; finds the key a request presents without leaking timing.</summary>
public sealed class ApiKeyRing(IOptions<ApiKeyOptions> options)
{
    /// <summary>Longer header values are refused before hashing.</summary>
    public const int MaxKeyLength = 512;

    private readonly IReadOnlyList<NamedKey> _keys = options.Value.ApiKeys
        .Select(entry => new NamedKey(entry.Key, HashOf(entry.Value), entry.Value.Roles, entry.Value.AuthorityLevel))
        .ToList();

    public sealed record NamedKey(string Name, byte[] Hash, IReadOnlyList<string> Roles, string? AuthorityLevel = null);

    /// <summary>
    /// The key whose hash equals the presented key's, or null. Every configured hash is compared, each in constant
    /// time, so the time taken says nothing about how much of a key was right or which key matched.
    /// </summary>
    public NamedKey? Find(string presented)
    {
        if (presented.Length is 0 or > MaxKeyLength) return null;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        NamedKey? match = null;
        foreach (var key in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, key.Hash)) match ??= key;
        }
        return match;
    }

    /// <summary>The configured key of that name, or null.</summary>
    public NamedKey? FindByName(string name) => _keys.FirstOrDefault(key => key.Name == name);

    public static byte[] HashOf(ApiKeyEntry entry) =>
        entry.KeyHash is { } hex ? Convert.FromHexString(hex) : SHA256.HashData(Encoding.UTF8.GetBytes(entry.Key!));
}

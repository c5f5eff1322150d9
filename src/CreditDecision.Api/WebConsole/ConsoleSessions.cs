using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using CreditDecision.Api.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.WebConsole;

/// <summary>
/// What a console session holds: the name and roles of the API key it was signed in with, a fingerprint of that key
/// (never the key or its hash) and when it was signed in. A session stands only while the node's configuration
/// still has that key, unchanged and with the same roles, and for at most <see cref="ConsoleOptions.SessionLifetime"/>:
/// every request checks it, so rotating, removing or re-roling a key ends its sessions at their next request.
/// </summary>
public sealed class ConsoleSessions(ApiKeyRing keys, IOptions<ConsoleOptions> options, TimeProvider clock)
{
    private const string KeyClaim = "creditdecision:key";
    private const string SignedInClaim = "creditdecision:signed-in";

    /// <summary>The session of the holder of a configured key, or null when the key is not one.</summary>
    public ClaimsPrincipal? Start(string? presented)
    {
        if (string.IsNullOrEmpty(presented) || keys.Find(presented) is not { } key) return null;
        Claim[] claims =
        [
            new(ClaimTypes.Name, key.Name),
            .. key.Roles.Select(role => new Claim(ClaimTypes.Role, role)),
            .. key.AuthorityLevel is { } level ? [new Claim(AuthorityLevels.ClaimType, level)] : Array.Empty<Claim>(),
            new(KeyClaim, Fingerprint(key)),
            new(SignedInClaim, clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ];
        return new ClaimsPrincipal(new ClaimsIdentity(claims, ConsoleExtensions.Scheme));
    }

    /// <summary>True while the session's key is configured as it was at sign-in and the session is within its lifetime.</summary>
    public bool Stands(ClaimsPrincipal session)
    {
        if (session.Identity?.Name is not { } name || keys.FindByName(name) is not { } key) return false;
        var fingerprint = session.FindFirstValue(KeyClaim) ?? "";
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(fingerprint), Encoding.ASCII.GetBytes(Fingerprint(key)))) return false;
        var roles = session.FindAll(ClaimTypes.Role).Select(claim => claim.Value).Order(StringComparer.Ordinal);
        if (!roles.SequenceEqual(key.Roles.Order(StringComparer.Ordinal))) return false;
        if (session.FindFirstValue(AuthorityLevels.ClaimType) != key.AuthorityLevel) return false;
        return long.TryParse(session.FindFirstValue(SignedInClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var signedIn)
            && clock.GetUtcNow() < DateTimeOffset.FromUnixTimeSeconds(signedIn) + options.Value.SessionLifetime;
    }

    /// <summary>The cookie handler's check of every request: a session that no longer stands is signed out, and the page asks to sign in.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<ConsoleSessions>();
        if (context.Principal is { } session && sessions.Stands(session)) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(ConsoleExtensions.Scheme);
    }

    /// <summary>Changes whenever the key does; the cookie is encrypted, and this still says nothing of the key's hash.</summary>
    private static string Fingerprint(ApiKeyRing.NamedKey key) =>
        Convert.ToHexStringLower(SHA256.HashData([.. "creditdecision.console-session\n"u8, .. key.Hash]));
}

using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Security;

/// <summary>Authenticates the <c>X-Api-Key</c> header; the identity's name is the key's configured name.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyRing keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values)) return Task.FromResult(AuthenticateResult.NoResult());
        var key = values.Count == 1 ? keys.Find(values.ToString()) : null;
        if (key is null) return Task.FromResult(AuthenticateResult.Fail($"The {HeaderName} header does not hold a valid key."));

        var claims = key.Roles.Select(role => new Claim(ClaimTypes.Role, role)).Prepend(new Claim(ClaimTypes.Name, key.Name));
        if (key.AuthorityLevel is { } level) claims = claims.Append(new Claim(AuthorityLevels.ClaimType, level));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}

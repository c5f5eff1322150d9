using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;

namespace CreditDecision.Api.Security;

/// <summary>For the API, a missing or wrong key is a 401, a key without the endpoint's role a 403; both as problem details.</summary>
public sealed class AuthorizationProblems(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        // The console's pages redirect to its sign-in page instead, as a browser expects.
        var problem = policy.AuthenticationSchemes.Contains(WebConsole.ConsoleExtensions.Scheme) ? null : result switch
        {
            { Challenged: true } => Unauthenticated(context),
            { Forbidden: true } => Forbidden(context, policy),
            _ => null,
        };
        if (problem is null)
        {
            await _default.HandleAsync(next, context, policy, result);
            return;
        }
        context.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = $"{ApiKeyAuthenticationHandler.SchemeName} header=\"{ApiKeyAuthenticationHandler.HeaderName}\"";
        }
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    private static ProblemDetails Unauthenticated(HttpContext context) => new()
    {
        Status = StatusCodes.Status401Unauthorized,
        Title = "An API key is required.",
        Detail = context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
            ? $"The {ApiKeyAuthenticationHandler.HeaderName} header does not hold a valid key."
            : $"Send the API key in the {ApiKeyAuthenticationHandler.HeaderName} header.",
    };

    private static ProblemDetails Forbidden(HttpContext context, AuthorizationPolicy policy)
    {
        var allowed = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct().ToList();
        return new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Title = "The API key does not have the role this endpoint requires.",
            Detail = $"The key '{context.User.Identity?.Name}' may not do this; it needs the role {string.Join(" or ", allowed)}.",
            Extensions = { ["requiredRoles"] = allowed },
        };
    }
}

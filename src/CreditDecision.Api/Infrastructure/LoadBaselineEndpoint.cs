using CreditDecision.Api.Security;
using CreditDecision.Core.Contracts;

namespace CreditDecision.Api.Infrastructure;

/// <summary>
/// <c>POST /load-baseline</c>: authenticates and binds an application exactly like <c>POST /decide</c>, then returns
/// a constant. A load test runs it beside /decide to show what the decision and its durable log add to what
/// Kestrel, authentication and JSON binding cost anyway. Mapped only when <c>LoadBaseline:Enabled</c> is true.
/// </summary>
public static class LoadBaselineEndpoint
{
    public static void MapLoadBaseline(this WebApplication app)
    {
        if (!app.Configuration.GetValue<bool>("LoadBaseline:Enabled")) return;
        app.MapPost("/load-baseline", (LoanApplication application) => TypedResults.Text("""{"ok":true}""", "application/json"))
            .RequireRole(Roles.Originator)
            .WithBodyLimit(app, limits => limits.DecideBodyBytes)
            .ExcludeFromDescription();
    }
}

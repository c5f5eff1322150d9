using CreditDecision.Api.Audit;
using CreditDecision.Api.Backtests;
using CreditDecision.Api.Challenger;
using CreditDecision.Api.Drafts;
using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Portfolio;
using CreditDecision.Api.Rules;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Backtests;
using CreditDecision.Audit.Challenger;
using CreditDecision.Audit.Log;
using CreditDecision.Audit.Provisioning;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.WebConsole;

/// <summary>
/// The web console at /console: Razor Pages served by the service itself, reading through the same services as
/// the API. Staff sign in with their API key once; the console then holds who they are and their roles in an
/// encrypted, HTTP-only, SameSite=Strict cookie (never the key itself), checked on every request against the keys
/// configured now (see <see cref="ConsoleSessions"/>), and every form carries an anti-forgery token.
/// </summary>
public static class ConsoleExtensions
{
    public const string Scheme = "Console";
    public const string CookieName = "creditdecision-console";

    /// <summary>The route of a draft's page in the console.</summary>
    public const string DraftPage = "/console/drafts/{id:guid}";

    /// <summary>Authorization policies of the console pages: signed in, and for some pages a role.</summary>
    public static class Policies
    {
        public const string SignedIn = "console";
        public const string RulesReaders = "console-rules";
        public const string Auditors = "console-audit";
        public const string PolicyStaff = "console-policy";
        public const string CreditOfficers = "console-credit-officers";
        public const string OverrideReaders = "console-overrides";
    }

    public static void AddConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/Console", Policies.SignedIn);
            options.Conventions.AllowAnonymousToPage("/Console/SignIn");
        });
        builder.Services.Configure<RouteOptions>(options => options.LowercaseUrls = true);
        builder.Services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ConsoleSessions>();
        builder.Services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.Path = "/console";
            options.LoginPath = "/console/signin";
            options.AccessDeniedPath = "/console/denied";
            options.SlidingExpiration = true;
            options.Events.OnValidatePrincipal = ConsoleSessions.ValidateAsync;
        });
        builder.Services.AddOptions<CookieAuthenticationOptions>(Scheme)
            .Configure<IOptions<ConsoleOptions>>((cookie, console) => cookie.ExpireTimeSpan = console.Value.IdleTimeout);
        AddSharedDataProtection(builder);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.SignedIn, ConsolePolicy())
            .AddPolicy(Policies.RulesReaders, ConsolePolicy(Roles.Policy, Roles.Auditor))
            .AddPolicy(Policies.Auditors, ConsolePolicy(Roles.Auditor))
            .AddPolicy(Policies.PolicyStaff, ConsolePolicy(Roles.Policy))
            .AddPolicy(Policies.CreditOfficers, ConsolePolicy(Roles.CreditOfficer))
            .AddPolicy(Policies.OverrideReaders, ConsolePolicy(Roles.Auditor, Roles.Policy));
    }

    public static void MapConsole(this WebApplication app)
    {
        // A form is read before the anti-forgery check reads it, so one over the body limit is the 413 problem any
        // other body gets rather than that check's bare 400.
        app.UseWhen(IsConsoleForm, form => form.Use(async (context, next) =>
        {
            try
            {
                await context.Request.ReadFormAsync(context.RequestAborted);
            }
            catch (InvalidDataException)
            {
                // Too many fields or too long a value: the anti-forgery check refuses the form.
            }
            await next(context);
        }));
        // A draft's raw editor posts a whole rule file: that page reads bodies up to the limit a draft file has over the API.
        var draftFileBytes = app.Services.GetRequiredService<IOptions<BodyLimits>>().Value.BacktestBodyBytes;
        app.MapRazorPages().Add(endpoint =>
        {
            if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } route } && route.TrimStart('/') == DraftPage.TrimStart('/'))
            {
                endpoint.Metadata.Add(new RequestSizeLimitAttribute(draftFileBytes));
            }
        });
        // What the console links to that is not a page: the same handlers as the API, behind the console's cookie.
        var files = app.MapGroup("/console").ExcludeFromDescription().RequireRateLimiting(RateLimits.LogScan);
        files.MapGet("/audit/export", AuditEndpoints.Export).RequireAuthorization(Policies.Auditors);
        files.MapGet("/challenger/report", (ChallengerReporter reporter, CancellationToken cancellationToken, string? from, string? to) =>
            ChallengerEndpoints.Report(reporter, cancellationToken, from, to, format: "html")).RequireAuthorization(Policies.RulesReaders);
        files.MapGet("/backtest", Backtest).RequireAuthorization(Policies.PolicyStaff);
        files.MapGet("/risk/report", (BookAnalysis book, RulesHost rules, TimeProvider clock, CancellationToken cancellationToken, string? asOf, string? since) =>
            BookRiskEndpoints.GetRisk(book, rules, clock, cancellationToken, Blank(asOf), Blank(since), format: "html")).RequireAuthorization(Policies.RulesReaders);
        files.MapGet("/stress/report", (BookAnalysis book, RulesHost rules, TimeProvider clock, CancellationToken cancellationToken, string scenario, string? asOf) =>
            BookRiskEndpoints.Stress(new StressRequest(scenario, Blank(asOf)), book, rules, clock, cancellationToken, format: "html")).RequireAuthorization(Policies.PolicyStaff);
        files.MapGet("/drafts/{draftId:guid}/backtests/{backtestId:guid}", DraftEndpoints.GetBacktestReport).RequireAuthorization(Policies.PolicyStaff);
        files.MapGet("/drafts/{draftId:guid}/export", DraftEndpoints.Export).RequireAuthorization(Policies.PolicyStaff);
        files.MapGet("/reports/overrides", (IDecisionLog log, TimeProvider clock, IOptions<Finals.FinalDecisionOptions> options, CancellationToken cancellationToken) =>
            Finals.FinalDecisionEndpoints.Overrides(log, clock, options, cancellationToken, format: "html")).RequireAuthorization(Policies.OverrideReaders);
    }

    /// <summary>The backtest endpoint itself, for a logged version set, answering with its HTML report.</summary>
    /// <param name="from">A date from the form; empty when the field was left blank.</param>
    private static async Task<Results<Ok<BacktestReport>, ContentHttpResult, ValidationProblem, UnprocessableEntity<RulesStatusResponse>>> Backtest(
        Backtester backtester, CancellationToken cancellationToken, string snapshotId, string? from = null, string? to = null)
    {
        var errors = new Dictionary<string, string[]>();
        var period = Period.Parse(string.IsNullOrWhiteSpace(from) ? null : from, string.IsNullOrWhiteSpace(to) ? null : to, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The period is not valid.");
        return await BacktestEndpoints.Run(
            new BacktestRequest(SnapshotId: snapshotId.Trim(), From: period.From, To: period.To, PageSize: 50), backtester, cancellationToken, format: "html");
    }

    /// <summary>A form's field left blank is no value.</summary>
    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static bool IsConsoleForm(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/console") && context.Request.HasFormContentType;

    private static AuthorizationPolicy ConsolePolicy(params string[] roles)
    {
        var policy = new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser();
        if (roles.Length > 0) policy.RequireRole(roles);
        return policy.Build();
    }

    /// <summary>Signs in the holder of a configured API key; false (and nothing set) when the key is not one.</summary>
    public static async Task<bool> SignInWithKeyAsync(this HttpContext http, ConsoleSessions sessions, string? presented)
    {
        if (sessions.Start(presented) is not { } session) return false;
        await http.SignInAsync(Scheme, session);
        return true;
    }

    /// <summary>
    /// Data Protection encrypts the session cookie and the anti-forgery tokens. Every node names the application
    /// alike and reads one key ring (the decision log's database, or <see cref="ConsoleOptions.KeysDirectory"/>), so
    /// a session signed in on one node is valid on every other and survives restarts.
    /// </summary>
    private static void AddSharedDataProtection(WebApplicationBuilder builder)
    {
        builder.Services.AddDataProtection().SetApplicationName("CreditDecision");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IOptions<ConsoleOptions>, IServiceProvider>((keys, console, services) => keys.XmlRepository =
                console.Value.KeysDirectory is { Length: > 0 } folder
                    ? new FileSystemXmlRepository(
                        new DirectoryInfo(Path.GetFullPath(Path.Combine(services.GetRequiredService<IHostEnvironment>().ContentRootPath, folder))),
                        services.GetRequiredService<ILoggerFactory>())
                    : new DecisionLogXmlRepository(services.GetRequiredService<IDataProtectionKeyStore>()));
    }
}

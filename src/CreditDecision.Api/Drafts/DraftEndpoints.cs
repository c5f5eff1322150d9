using System.IO.Compression;
using System.Text.Json.Nodes;
using CreditDecision.Api.Challenger;
using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Rules;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Challenger;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditDecision.Api.Drafts;

/// <summary>Policy drafts over HTTP: made, checked and evidenced by one policy user, approved by another, then promoted.</summary>
public static class DraftEndpoints
{
    public static void AddDrafts(this WebApplicationBuilder builder) => builder.Services.AddSingleton<PolicyDrafts>();

    public static void MapDrafts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/drafts").WithTags("Drafts").RequireRole(Roles.Policy);

        group.MapGet("/", List)
            .WithName("ListDrafts")
            .WithSummary("Every policy draft, newest first");
        group.MapPost("/", Create)
            .WithName("CreateDraft")
            .WithSummary("Start a draft from the live version set or from any version set a logged decision used")
            .WithDescription(
                "The draft holds the rule files of the version set and the live folder's cases files, stored in the decision log's database " +
                "(every node sees it), never in the rules folder. fromSnapshotId names a version set some logged decision used (400 naming it otherwise).")
            .ProducesValidationProblem();
        group.MapGet("/{draftId:guid}", Get)
            .WithName("GetDraft")
            .WithSummary("A draft with its evidence: cases of the current version, its backtests, and its changes against the live rules")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{draftId:guid}/files/{fileName}", GetFile)
            .WithName("GetDraftFile")
            .WithSummary("One file of a draft's current version, as raw JSON")
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{draftId:guid}/files/{fileName}", SaveFile)
            .Accepts<JsonObject>("application/json")
            .WithBodyLimit(routes, limits => limits.BacktestBodyBytes)
            .WithName("SaveDraftFile")
            .WithSummary("Save one file of a draft (a ruleset or a cases file; a new name adds it) as the draft's next version")
            .WithDescription(
                "The body is the file's JSON. The draft's files, with this one, must compile with every check a live folder passes (format, " +
                "sandbox, expression cost): otherwise 422 with the errors (file, ruleset, rule, expression, reason) and nothing is stored. The cases " +
                "are run: failing ones are listed on the draft as evidence, they do not refuse the save. Only a draft being edited can be saved (409).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{draftId:guid}/files/{fileName}/rules", AddRule)
            .WithName("AddDraftRule")
            .WithSummary("Add a rule to a ruleset file of a draft, after its last rule, as the draft's next version")
            .WithDescription(
                "The same save as PUT of the file with the rule added: the checks a live folder passes (format, sandbox, expression cost) or 422 " +
                "with the errors (a rule without a name or with a taken one among them) and nothing stored; 400 when the file is not a ruleset.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{draftId:guid}/files/{fileName}/rules/{ruleName}", RemoveRule)
            .WithName("RemoveDraftRule")
            .WithSummary("Remove a rule from a ruleset file of a draft, as the draft's next version")
            .WithDescription(
                "The same save as PUT of the file without the rule: 422 with the errors when the rest no longer passes the checks (a ruleset " +
                "needs one rule at least), and nothing stored; 404 when the file has no such rule.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{draftId:guid}/cases", RunCases)
            .WithName("RunDraftCases")
            .WithSummary("Run the cases of the draft's current version again and give the result")
            .WithDescription("A save runs them too and keeps the result as evidence on the draft; this run does not change that evidence.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{draftId:guid}/backtests", Backtest)
            .RequireRateLimiting(RateLimits.LogScan)
            .WithName("BacktestDraft")
            .WithSummary("Backtest the draft's current version over the logged decisions of a period, kept as evidence on the draft")
            .WithDescription(
                "The same comparison as POST /backtests. The report is kept; its HTML page is at GET /drafts/{draftId}/backtests/{backtestId}. " +
                "A rule that cannot be evaluated for a logged decision is a 422 naming it.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{draftId:guid}/backtests/{backtestId:guid}", GetBacktestReport)
            .WithName("GetDraftBacktestReport")
            .WithSummary("The HTML report of a backtest of a draft")
            .Produces<string>(StatusCodes.Status200OK, "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{draftId:guid}/submit", Submit)
            .WithName("SubmitDraft")
            .WithSummary("Submit a draft for approval, with the rationale for the change")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{draftId:guid}/review", Review)
            .WithName("ReviewDraft")
            .WithSummary("Approve or reject a submitted draft: a policy user who neither made nor submitted it")
            .WithDescription(
                "409 when the caller made or submitted the draft, when the draft is not submitted, and, to approve, when a case of its current " +
                "version fails or no backtest of its current version exists. A rejection sends the draft back to editing with the comment.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{draftId:guid}/promote", Promote)
            .WithName("PromoteDraft")
            .WithSummary("Put an approved draft live, cluster-wide, recorded in the decision log with its maker, checker, rationale and evidence")
            .WithDescription(
                "The draft's files replace the rules folder's and the live rules switch in one step, as a challenger promotion does; the promotion " +
                "record (kind 'promotion') carries the approval. 409 when the draft is not approved, or the live rules changed since it was approved.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{draftId:guid}/challenger", Shadow)
            .WithName("ShadowDraft")
            .WithSummary("Put an approved draft live as the shadow challenger, to watch it on live traffic before promoting it")
            .WithDescription(
                "The draft's files replace the challenger folder's (Rules:ChallengerDirectory) and the challenger switches to them; the answer is " +
                "GET /challenger's. The draft stays approved, to be promoted later. 409 when the draft is not approved or no challenger is configured.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{draftId:guid}/export", Export)
            .WithName("ExportDraft")
            .WithSummary("The draft's current version as a rules folder in a zip file, to commit where the policy is kept under version control")
            .Produces<Stream>(StatusCodes.Status200OK, "application/zip")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Ok<IReadOnlyList<DraftSummary>>> List(PolicyDrafts drafts, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<DraftSummary>>([.. (await drafts.ListAsync(cancellationToken)).Select(DraftSummary.From)]);

    public static async Task<Results<Created<DraftView>, ValidationProblem>> Create(
        DraftRequest request, PolicyDrafts drafts, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (TextError(request.Name, PolicyDrafts.MaxNameLength) is { } nameError) errors["name"] = [nameError];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The draft request is not valid.");
        try
        {
            var state = await drafts.CreateAsync(request.Name!.Trim(), request.FromSnapshotId, Caller(http), cancellationToken);
            return TypedResults.Created($"/drafts/{state.Draft.DraftId}", DraftView.From(state, drafts.ChangesAgainstLive(state.Version)));
        }
        catch (DraftRefusedException refused)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["fromSnapshotId"] = [refused.Message] }, title: refused.Title);
        }
    }

    public static async Task<Results<Ok<DraftView>, ProblemHttpResult>> Get(Guid draftId, PolicyDrafts drafts, CancellationToken cancellationToken) =>
        Viewed(drafts, await drafts.GetAsync(draftId, cancellationToken));

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetFile(
        Guid draftId, string fileName, PolicyDrafts drafts, CancellationToken cancellationToken) =>
        TypedResults.File(await drafts.FileAsync(draftId, fileName, cancellationToken), "application/json");

    public static async Task<Results<Ok<DraftView>, ValidationProblem, UnprocessableEntity<RulesStatusResponse>, ProblemHttpResult>> SaveFile(
        Guid draftId, string fileName, HttpRequest request, PolicyDrafts drafts, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(title: "The body must be application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }
        if (!CandidateFolder.IsRuleFileName(fileName))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["fileName"] = ["must be a plain file name ending in .json"] });
        }
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        return Viewed(drafts, await drafts.SaveFileAsync(draftId, fileName, body.ToArray(), Caller(request.HttpContext), cancellationToken));
    }

    public static Task<Results<Ok<DraftView>, ValidationProblem, UnprocessableEntity<RulesStatusResponse>, ProblemHttpResult>> AddRule(
        Guid draftId, string fileName, DraftRuleRequest request, PolicyDrafts drafts, HttpContext http, CancellationToken cancellationToken)
    {
        var rule = new NewRule(request.RuleName ?? "", request.Expression ?? "", request.Description ?? "", request.Enabled, request.Output,
            request.Properties ?? new JsonObject());
        return RulesetEdited(draftId, fileName, ruleset => DraftForms.WithAddedRule(ruleset, rule), drafts, http, cancellationToken);
    }

    public static Task<Results<Ok<DraftView>, ValidationProblem, UnprocessableEntity<RulesStatusResponse>, ProblemHttpResult>> RemoveRule(
        Guid draftId, string fileName, string ruleName, PolicyDrafts drafts, HttpContext http, CancellationToken cancellationToken) =>
        RulesetEdited(draftId, fileName, ruleset => DraftForms.WithoutRule(ruleset, ruleName)
            ?? throw new DraftRefusedException(StatusCodes.Status404NotFound, "No such rule.", $"{fileName} has no rule '{ruleName}'."), drafts, http, cancellationToken);

    public static async Task<Results<Ok<DraftCases>, ProblemHttpResult>> RunCases(Guid draftId, PolicyDrafts drafts, CancellationToken cancellationToken) =>
        TypedResults.Ok(await drafts.RunCasesAsync(draftId, cancellationToken));

    public static async Task<Results<Ok<DraftBacktestResult>, ValidationProblem, UnprocessableEntity<RulesStatusResponse>, ProblemHttpResult>> Backtest(
        Guid draftId, DraftBacktestRequest request, PolicyDrafts drafts, HttpContext http, CancellationToken cancellationToken)
    {
        if (request.From is { } from && request.To is { } to && from >= to)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["to"] = ["must be after from"] });
        }
        try
        {
            var (backtest, report) = await drafts.BacktestAsync(draftId, request.From, request.To, Caller(http), cancellationToken);
            return TypedResults.Ok(new DraftBacktestResult(DraftBacktestSummary.Of(backtest, backtest.Version), report));
        }
        catch (RuleEvaluationException ex)
        {
            var error = new RuleError(ex.Ruleset, ex.Ruleset, ex.Rule, null, $"could not be evaluated for a logged decision: {ex.Reason}");
            return TypedResults.UnprocessableEntity(new RulesStatusResponse(false, null, [error], null));
        }
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetBacktestReport(
        Guid draftId, Guid backtestId, PolicyDrafts drafts, CancellationToken cancellationToken) =>
        TypedResults.Text((await drafts.FindBacktestAsync(draftId, backtestId, cancellationToken)).Html, "text/html; charset=utf-8");

    public static async Task<Results<Ok<DraftView>, ValidationProblem, ProblemHttpResult>> Submit(
        Guid draftId, DraftSubmission request, PolicyDrafts drafts, HttpContext http, CancellationToken cancellationToken)
    {
        if (TextError(request.Rationale, PolicyDrafts.MaxTextLength) is { } error)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["rationale"] = [error] }, title: "The submission is not valid.");
        }
        return Viewed(drafts, await drafts.SubmitAsync(draftId, request.Rationale!.Trim(), Caller(http), cancellationToken));
    }

    public static async Task<Results<Ok<DraftView>, ValidationProblem, ProblemHttpResult>> Review(
        Guid draftId, DraftReview request, PolicyDrafts drafts, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Verdict is not ("approve" or "reject")) errors["verdict"] = ["must be approve or reject"];
        if (request.Comment is not null && TextError(request.Comment, PolicyDrafts.MaxTextLength) is { } commentError) errors["comment"] = [commentError];
        else if (request.Verdict == "reject" && request.Comment is null) errors["comment"] = ["is required to reject: say what must change"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The review is not valid.");
        return Viewed(drafts, await drafts.ReviewAsync(draftId, request.Verdict == "approve", request.Comment?.Trim(), Caller(http), cancellationToken));
    }

    public static async Task<Results<Ok<PromotionResult>, ProblemHttpResult>> Promote(
        Guid draftId, PolicyDrafts drafts, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await drafts.PromoteAsync(draftId, CallerHeaders.Caller(http), cancellationToken));

    public static async Task<Results<Ok<ChallengerState>, ProblemHttpResult>> Shadow(
        Guid draftId, PolicyDrafts drafts, ChallengerRules challenger, ChallengerShadow shadow, RulesHost champion, CancellationToken cancellationToken)
    {
        await drafts.ShadowAsync(draftId, cancellationToken);
        return ChallengerEndpoints.GetState(challenger, shadow, champion);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Export(Guid draftId, PolicyDrafts drafts, CancellationToken cancellationToken)
    {
        var state = await drafts.GetAsync(draftId, cancellationToken);
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in state.Version.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                // A fixed time stamp: the same draft version is the same zip, byte for byte.
                var entry = archive.CreateEntry($"rules/{name}", CompressionLevel.Optimal);
                entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
                await using var stream = await entry.OpenAsync(cancellationToken);
                await stream.WriteAsync(content, cancellationToken);
            }
        }
        return TypedResults.File(zip.ToArray(), "application/zip", $"draft-{state.Draft.DraftId:N}-v{state.Draft.Version}.zip");
    }

    /// <summary>Saves the draft's ruleset file as <paramref name="edit"/> (one of <see cref="DraftForms"/>' edits) makes it, or says why not.</summary>
    private static async Task<Results<Ok<DraftView>, ValidationProblem, UnprocessableEntity<RulesStatusResponse>, ProblemHttpResult>> RulesetEdited(
        Guid draftId, string fileName, Func<JsonObject, byte[]> edit, PolicyDrafts drafts, HttpContext http, CancellationToken cancellationToken)
    {
        if (DraftForms.Ruleset(await drafts.FileAsync(draftId, fileName, cancellationToken)) is not { } ruleset)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["fileName"] = ["is not a ruleset: it has no Rules"] });
        }
        var content = edit(ruleset);
        return Viewed(drafts, await drafts.SaveFileAsync(draftId, fileName, content, Caller(http), cancellationToken));
    }

    /// <summary>
    /// The draft as it now is, with its changes against the live rules. What a draft refuses (its status, or the checks'
    /// 422) is answered by the problem-details handler, which maps <see cref="DraftRefusedException"/> and
    /// <see cref="DraftFileRefusedException"/>; the endpoints' result types still list those outcomes for the document.
    /// </summary>
    private static Ok<DraftView> Viewed(PolicyDrafts drafts, DraftState state) =>
        TypedResults.Ok(DraftView.From(state, drafts.ChangesAgainstLive(state.Version)));

    /// <summary>Why a required text is refused: missing, blank, too long or with control characters; null when it is fine.</summary>
    private static string? TextError(string? text, int maxLength) => text switch
    {
        null => "is required",
        _ when string.IsNullOrWhiteSpace(text) => "must not be blank",
        _ when text.Length > maxLength => $"must be at most {maxLength} characters",
        _ when text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) => "must not hold control characters",
        _ => null,
    };

    private static string Caller(HttpContext http) => CallerHeaders.Caller(http).Caller;
}

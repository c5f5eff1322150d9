using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CreditDecision.Api.Finals;

/// <summary>Examples of a final decision for the OpenAPI document, and the 403 a credit officer below the decision's authority gets.</summary>
public static class FinalDecisionDocumentation
{
    public static Task Apply(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.OperationId != "RecordFinalDecision") return Task.CompletedTask;
        if (operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true) body.Example = Request;
        if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content?.TryGetValue("application/json", out var final) == true) final.Example = Response;
        if (operation.Responses?.TryGetValue("403", out var forbidden) == true && forbidden is OpenApiResponse refused)
        {
            refused.Description += " Or the credit officer's authority level is below the level the final decision needs: officerAuthorityLevel and requiredAuthorityLevel name both.";
        }
        return Task.CompletedTask;
    }

    private static readonly JsonNode Request = new JsonObject
    {
        ["outcome"] = "approve-with-conditions",
        ["approvedAmount"] = 600000,
        ["annualRate"] = 0.0455,
        ["conditions"] = new JsonArray("PERSONAL_GUARANTEE", "COVENANT_FINANCIAL_REPORTING"),
        ["note"] = "Site visit done; order book confirmed with the two main customers.",
    };

    private static readonly JsonNode Response = new JsonObject
    {
        ["finalDecisionId"] = "019ab0c5-2f10-7c3e-9a41-6d2e8b0f4a17",
        ["decisionId"] = "019ab0c4-11d2-7a5b-8e0c-3f9d2a6b1c84",
        ["applicationId"] = "APP-2026-000103",
        ["outcome"] = "approve-with-conditions",
        ["approvedAmount"] = 600000,
        ["annualRate"] = 0.0455,
        ["conditions"] = new JsonArray("PERSONAL_GUARANTEE", "COVENANT_FINANCIAL_REPORTING"),
        ["overrideReason"] = null,
        ["overridden"] = false,
        ["knockOuts"] = new JsonArray(),
        ["engineOutcome"] = "refer",
        ["engineApprovedAmount"] = 600000,
        ["requiredAuthorityLevel"] = "branch-officer",
        ["officer"] = "branch-officer-li",
        ["officerAuthorityLevel"] = "branch-officer",
        ["supersedes"] = null,
        ["correctionReason"] = null,
        ["note"] = "Site visit done; order book confirmed with the two main customers.",
        ["decidedAt"] = "2026-11-24T09:12:44.318+00:00",
    };
}

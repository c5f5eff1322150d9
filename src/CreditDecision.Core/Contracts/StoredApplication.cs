using System.Text.Json;
using System.Text.Json.Nodes;

namespace CreditDecision.Core.Contracts;

/// <summary>
/// Reads an application as the decision log stored it, in whichever contract version it was made under. The log
/// keeps every request exactly as it was decided; applications from before guarantors existed carried
/// <c>request.hasGuarantor</c> and <c>request.guaranteeAmount</c>, which this maps to a single guarantor of unknown
/// type (or none). Fields added since are simply absent, and the facts give each its neutral value. Only replays,
/// backtests and the command line read stored applications this way; <c>POST /decide</c> refuses the old fields.
/// </summary>
public static class StoredApplication
{
    /// <summary>Fields of earlier contract versions, by JSON path, and what replaced them.</summary>
    public static readonly IReadOnlyDictionary<string, string> ReplacedFields = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["request.hasGuarantor"] = "request.guarantors (a list of guarantors, each with type, relatedParty, amount and an optional grade; empty when there is none)",
        ["request.guaranteeAmount"] = "request.guarantors[].amount (each guarantor's own amount)",
    };

    public static LoanApplication Read(string requestJson)
    {
        if (!requestJson.Contains("\"hasGuarantor\"", StringComparison.Ordinal) && !requestJson.Contains("\"guaranteeAmount\"", StringComparison.Ordinal))
        {
            return JsonSerializer.Deserialize<LoanApplication>(requestJson, ContractJson.Options)!;
        }
        var root = JsonNode.Parse(requestJson)!.AsObject();
        if (root["request"] is JsonObject request) UpgradeGuarantee(request);
        return root.Deserialize<LoanApplication>(ContractJson.Options)!;
    }

    private static void UpgradeGuarantee(JsonObject request)
    {
        var hasGuarantor = request["hasGuarantor"]?.GetValue<bool>() ?? false;
        var amount = request["guaranteeAmount"]?.GetValue<decimal>() ?? 0m;
        request.Remove("hasGuarantor");
        request.Remove("guaranteeAmount");
        request["guarantors"] = hasGuarantor ? new JsonArray(new JsonObject { ["amount"] = amount }) : new JsonArray();
    }
}

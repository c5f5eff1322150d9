using System.Net;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>
/// Traffic for policy-change tests: every sample application with owner credit scores on both sides of a raised
/// minimum, and the candidate change itself (the approval ruleset's minimum owner score from 500 to 750).
/// </summary>
public static class OwnerScoreHistory
{
    public const int RaisedMinimumScore = 750;

    /// <summary>The minimum owner score of the challenger the shadow, console and cluster tests run.</summary>
    public const int ChallengerMinimumScore = 600;

    private static readonly string[] Samples =
        ["healthy-manufacturer", "young-firm", "secured-trading-company", "cold-chain-equipment-loan", "unsecured-restaurant-group", "tax-arrears"];

    private static readonly int[] OwnerScores = [480, 620, 700, 745, 760, 820];

    /// <summary>Decides every sample with every owner score (by default scores around 750); returns (score, outcome) per decision.</summary>
    public static async Task<List<(int Score, string Outcome)>> DecideAsync(HttpClient client, string idPrefix = "BT", int[]? scores = null)
    {
        var history = new List<(int, string)>();
        foreach (var sample in Samples)
        {
            foreach (var score in scores ?? OwnerScores)
            {
                var response = await client.Decide(ApplicationJson.FromSample(sample).With("applicationId", $"{idPrefix}-{sample}-{score}").With("applicant.creditScore", score));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                history.Add((score, (await response.ReadJson()).GetProperty("outcome").GetString()!));
            }
        }
        return history;
    }

    /// <summary>Raises the minimum owner credit score in the approval ruleset of a rules folder.</summary>
    public static void RaiseMinimumScore(string rulesFolder, int minimum = RaisedMinimumScore) =>
        FileEdit.Replace(Path.Combine(rulesFolder, "approval.json"), "\"minimumOwnerCreditScore\": 500", $"\"minimumOwnerCreditScore\": {minimum}");

    /// <summary>
    /// A challenger under review: the shipped rules with a minimum owner score of <see cref="ChallengerMinimumScore"/>.
    /// The approval cases describe the policy in force (a score of 500 passes), so the folder goes without them.
    /// </summary>
    public static TempDirectory ChallengerFolder()
    {
        var folder = RepoPaths.CopyOfRules();
        RaiseMinimumScore(folder.Path, ChallengerMinimumScore);
        File.Delete(Path.Combine(folder.Path, "approval.cases.json"));
        return folder;
    }

    /// <summary>A rules folder as the body of POST /backtests expects it: file name to JSON content.</summary>
    public static JsonObject Files(string rulesFolder)
    {
        var files = new JsonObject();
        foreach (var path in Directory.EnumerateFiles(rulesFolder, "*.json"))
        {
            files[Path.GetFileName(path)] = JsonNode.Parse(File.ReadAllText(path));
        }
        return files;
    }
}

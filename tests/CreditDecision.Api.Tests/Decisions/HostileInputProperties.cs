using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CreditDecision.Api.Tests;

/// <summary>A request body built by <see cref="HostileBodies"/>, with the mutations that made it.</summary>
public sealed record HostileBody(string Description, byte[] Bytes)
{
    public override string ToString() => $"{Description} ({Bytes.Length} bytes): {Encoding.UTF8.GetString(Bytes[..Math.Min(Bytes.Length, 400)])}";
}

/// <summary>
/// Generates applications that are malformed or at the edges: values of the wrong type or out of range, text with
/// control characters, lone surrogates and invalid UTF-8, missing, unknown and duplicate members, deep nesting,
/// truncation, oversize bodies, and untouched or plausibly varied samples so that accepted decisions are covered too.
/// </summary>
public static class HostileBodies
{
    private static readonly string[] Samples = ["healthy-manufacturer", "young-firm", "tax-arrears", "secured-trading-company", "distressed-construction"];

    /// <summary>Raw JSON texts put in place of a value, so that even numbers no .NET type holds can be sent.</summary>
    private static readonly string[] HostileValues =
    [
        "0", "-1", "-0.0", "2.5", "1e308", "-1e308", "1e-400", "79228162514264337593543950336", "-79228162514264337593543950336",
        "0.0000000000000000000000000000001", "123456789012345678901234567890.123", "2147483648", "9223372036854775808", "1E+2",
        "\"\"", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1e5\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00x\\ud800\"",
        "\"\\u202e\\u0644\\u0627\"", "\"\\ud83d\\ude00\"", "\"e\\u0301\\u0301\\u0301\"", "\"\\t\\r\\n\"", "\"\\u200b\"",
        "\"2026-02-30\"", "\"9999-12-31\"", "\"0001-01-01\"", "\"2026-11-20T25:00:00\"", "\"working-capital-loan\"",
        "true", "false", "null", "[]", "{}", "[1,2,3]", "{\"a\":1}",
    ];

    public static Arbitrary<HostileBody> Bodies() => Gen.OneOf(
        Mutated(),
        Mutated(),
        Mutated(),
        Plausible(),
        Truncated(),
        Nested(),
        Oversize(),
        InvalidUtf8()).ToArbitrary();

    private static Gen<JsonObject> Sample() =>
        Gen.Elements(Samples).Select(name => JsonNode.Parse(RepoPaths.Sample(name))!.AsObject());

    /// <summary>One to three mutations of a sample.</summary>
    private static Gen<HostileBody> Mutated() =>
        from sample in Sample()
        from count in Gen.Choose(1, 3)
        from seeds in Gen.ArrayOf(Gen.Choose(0, int.MaxValue), count)
        select Mutate(sample, seeds);

    private static HostileBody Mutate(JsonObject root, int[] seeds)
    {
        var raw = new Dictionary<string, string>();
        var steps = new List<string>();
        foreach (var seed in seeds)
        {
            var paths = Paths(root).ToList();
            var (parent, key) = paths[seed % paths.Count];
            switch (seed / 7 % 5)
            {
                case 0 or 1:
                    var placeholder = $"@@{raw.Count}@@";
                    raw[$"\"{placeholder}\""] = HostileValues[seed / 35 % HostileValues.Length];
                    parent[key] = placeholder;
                    steps.Add($"{key}={raw[$"\"{placeholder}\""]}");
                    break;
                case 2:
                    parent.Remove(key);
                    steps.Add($"without {key}");
                    break;
                case 3:
                    parent[$"unknown{seed % 3}"] = 1;
                    steps.Add($"unknown member beside {key}");
                    break;
                case 4:
                    // A second member of the same name, after the first.
                    var placeholderDuplicate = $"@@{raw.Count}@@";
                    raw[$"\"{placeholderDuplicate}\":0"] = $"\"{key}\":{parent[key]?.ToJsonString() ?? "null"},\"{key}\":{parent[key]?.ToJsonString() ?? "null"}";
                    parent.Remove(key);
                    parent[placeholderDuplicate] = 0;
                    steps.Add($"duplicate {key}");
                    break;
            }
        }
        var text = root.ToJsonString();
        foreach (var (placeholder, value) in raw) text = text.Replace(placeholder, value, StringComparison.Ordinal);
        return new HostileBody(string.Join("; ", steps), Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Every member of every object in the tree, as (object, member name).</summary>
    private static IEnumerable<(JsonObject Parent, string Key)> Paths(JsonObject node)
    {
        foreach (var (key, value) in node.ToList())
        {
            yield return (node, key);
            if (value is JsonObject child)
            {
                foreach (var path in Paths(child)) yield return path;
            }
        }
    }

    /// <summary>A sample with its amounts and term changed to values in range, most of which the service accepts.</summary>
    private static Gen<HostileBody> Plausible() =>
        from sample in Sample()
        from amount in Gen.Choose(10_000, 20_000_000)
        from term in Gen.Choose(1, 120)
        from revenue in Gen.Choose(100_000, int.MaxValue)
        select Describe($"amount {amount}, term {term}, revenue {revenue}", With(sample, amount, term, revenue));

    private static JsonObject With(JsonObject sample, int amount, int term, int revenue)
    {
        sample["applicationId"] = $"APP-PROP-{amount}-{term}";
        sample["request"]!["amount"] = amount;
        sample["request"]!["termMonths"] = term;
        sample["applicant"]!["annualRevenue"] = revenue;
        return sample;
    }

    private static Gen<HostileBody> Truncated() =>
        from sample in Sample()
        from fraction in Gen.Choose(0, 99)
        let text = sample.ToJsonString()
        select new HostileBody($"cut at {fraction} %", Encoding.UTF8.GetBytes(text[..(text.Length * fraction / 100)]));

    private static Gen<HostileBody> Nested() =>
        from sample in Sample()
        from depth in Gen.Choose(1, 5_000)
        select new HostileBody($"applicant nested {depth} arrays deep",
            Encoding.UTF8.GetBytes(sample.ToJsonString().Replace("\"applicant\":", "\"applicant\":" + new string('[', depth), StringComparison.Ordinal)));

    private static Gen<HostileBody> Oversize() =>
        from sample in Sample()
        from kilobytes in Gen.Choose(200, 600)
        select Describe($"name of {kilobytes} KB", Named(sample, new string('x', kilobytes * 1024)));

    private static JsonObject Named(JsonObject sample, string name)
    {
        sample["applicant"]!["name"] = name;
        return sample;
    }

    private static Gen<HostileBody> InvalidUtf8() =>
        from sample in Sample()
        from garbage in Gen.Elements<byte[]>([0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF], [0x00])
        select new HostileBody($"bytes {Convert.ToHexString(garbage)} in the name",
            Encoding.UTF8.GetBytes(sample.ToJsonString()).Replace("Co"u8.ToArray(), garbage));

    private static HostileBody Describe(string description, JsonObject body) => new(description, Encoding.UTF8.GetBytes(body.ToJsonString()));

    private static byte[] Replace(this byte[] bytes, byte[] find, byte[] with)
    {
        var at = bytes.AsSpan().IndexOf(find);
        return at < 0 ? bytes : [.. bytes[..at], .. with, .. bytes[(at + find.Length)..]];
    }
}

/// <summary>
/// Thousands of generated bodies through the real HTTP pipeline, on Kestrel: none gets a 5xx, every refusal is a problem
/// document, and every acceptance is a decision that the log holds.
/// </summary>
public class HostileInputProperties(SharedKestrelApplication shared) : IClassFixture<SharedKestrelApplication>
{
    private static readonly string[] Outcomes = ["approve", "refer", "decline"];

    [Property(Arbitrary = [typeof(HostileBodies)], MaxTest = 2_000, QuietOnSuccess = true)]
    public Property No_body_gets_a_server_error_and_every_answer_is_a_problem_or_a_logged_decision(HostileBody body)
    {
        var (holds, answer) = Task.Run(() => Check(body)).GetAwaiter().GetResult();
        return Prop.Label(holds, $"{body}\n  answered {answer}");
    }

    private async Task<(bool Holds, string Answer)> Check(HostileBody body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/decide") { Content = new ByteArrayContent(body.Bytes) };
        request.Content.Headers.ContentType = new("application/json");
        // As a well-behaved client sending a large body does: wait for the server's go-ahead, so a body the server
        // refuses by its length gets the 413 answer instead of a connection closed in the middle of the upload.
        request.Headers.ExpectContinue = true;
        using var response = await shared.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var answer = $"{status} {response.Content.Headers.ContentType?.MediaType}: {text[..Math.Min(text.Length, 600)]}";
        if (status >= 500) return (false, answer);
        if (response.StatusCode == HttpStatusCode.OK) return (await IsLoggedDecision(text), answer);
        return (response.Content.Headers.ContentType?.MediaType == "application/problem+json" && IsProblem(text, status), answer);
    }

    private static bool IsProblem(string text, int status)
    {
        var problem = JsonDocument.Parse(text).RootElement;
        return problem.GetProperty("status").GetInt32() == status
            && !string.IsNullOrEmpty(problem.GetProperty("title").GetString())
            // A 400 names what is wrong: each field in `errors`, or the body as a whole in `detail`.
            && (status != 400 || problem.TryGetProperty("errors", out var errors) && errors.EnumerateObject().Any() || problem.TryGetProperty("detail", out _));
    }

    private async Task<bool> IsLoggedDecision(string text)
    {
        var decision = JsonDocument.Parse(text).RootElement;
        if (!Outcomes.Contains(decision.GetProperty("outcome").GetString())) return false;
        var id = decision.GetProperty("decisionId").GetGuid();
        using var stored = await shared.Client.GetAsync($"/decisions/{id}");
        return stored.StatusCode == HttpStatusCode.OK;
    }
}

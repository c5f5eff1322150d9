using System.Net;
using System.Text.Json;

namespace CreditDecision.Api.Tests;

/// <summary>Bad input gets a 400 problem document naming each bad field, never a 500.</summary>
public class DecideValidationTests(SharedApplication shared) : IClassFixture<SharedApplication>
{
    private readonly HttpClient _client = shared.Client;

    private static ApplicationJson Healthy() => ApplicationJson.FromSample("healthy-manufacturer");

    private async Task<JsonElement> ExpectProblem(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.ReadJson();
    }

    private async Task<string[]> ErrorsFor(HttpResponseMessage response, string field)
    {
        var problem = await ExpectProblem(response);
        Assert.True(problem.TryGetProperty("errors", out var errors), problem.ToString());
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for '{field}' in {errors}");
        return [.. messages.EnumerateArray().Select(m => m.GetString()!)];
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        var response = await _client.DecideRaw("{\"applicationId\": \"A-1\", ");
        var problem = await ExpectProblem(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Contains("not valid JSON", problem.GetProperty("errors").ToString());
    }

    [Fact]
    public async Task Empty_body_is_a_400_problem()
    {
        var problem = await ExpectProblem(await _client.DecideRaw(""));
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Wrong_content_type_is_a_415_problem()
    {
        await ExpectProblem(await _client.DecideRaw(Healthy().ToString(), "text/plain"), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Every_missing_required_field_is_named_at_once()
    {
        var response = await _client.Decide(Healthy().Without("applicationId").Without("applicant.annualRevenue").Without("request.termMonths"));
        var problem = await ExpectProblem(response);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "applicationId", "applicant.annualRevenue", "request.termMonths" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"missing error for {field}: {errors}");
        }
    }

    [Fact]
    public async Task Negative_amount_is_refused()
    {
        var messages = await ErrorsFor(await _client.Decide(Healthy().With("request.amount", -5000)), "request.amount");
        Assert.Contains(messages, m => m.StartsWith("must be between", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_enum_value_lists_the_allowed_values()
    {
        var messages = await ErrorsFor(await _client.Decide(Healthy().With("request.collateralType", "gold-bars")), "request.collateralType");
        Assert.Equal(["must be one of: none, real-estate, equipment, receivables, inventory, cash-deposit"], messages);
    }

    [Fact]
    public async Task Unknown_field_is_refused_rather_than_ignored()
    {
        var messages = await ErrorsFor(await _client.Decide(Healthy().With("applicant.anualRevenue", 1)), "applicant.anualRevenue");
        Assert.Equal(["is not a known field"], messages);
    }

    [Theory]
    [InlineData("request.hasGuarantor", true, "request.guarantors")]
    [InlineData("request.guaranteeAmount", 1000000, "request.guarantors[].amount")]
    public async Task Fields_of_the_earlier_contract_are_refused_naming_their_replacement(string field, object value, string replacement)
    {
        var messages = await ErrorsFor(await _client.Decide(Healthy().With(field, value)), field);
        var message = Assert.Single(messages);
        Assert.StartsWith("is no longer accepted: it was replaced by " + replacement, message);
    }

    [Fact]
    public async Task A_guarantor_needs_a_type_whether_it_is_a_related_party_and_a_positive_amount()
    {
        var response = await _client.Decide(Healthy().With("request.guarantors", new object[] { new { amount = 0 } }));
        var errors = (await ExpectProblem(response)).GetProperty("errors");
        foreach (var field in new[] { "request.guarantors[0].type", "request.guarantors[0].relatedParty", "request.guarantors[0].amount" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"missing error for {field}: {errors}");
        }
    }

    [Fact]
    public async Task A_guarantor_grade_must_be_on_the_master_scale()
    {
        var guarantor = new { type = "enterprise", relatedParty = false, amount = 1000000, grade = "A+" };
        var messages = await ErrorsFor(await _client.Decide(Healthy().With("request.guarantors", new[] { guarantor })), "request.guarantors[0].grade");
        Assert.StartsWith("must be a grade of the master scale: AAA, AA, A,", Assert.Single(messages));
    }

    [Fact]
    public async Task Working_capital_inputs_and_screening_results_are_required()
    {
        var response = await _client.Decide(Healthy().Without("applicant.workingCapital").Without("applicant.sanctionsScreening").Without("applicant.taxVerifiedRevenue"));
        var errors = (await ExpectProblem(response)).GetProperty("errors");
        foreach (var field in new[] { "applicant.workingCapital", "applicant.sanctionsScreening", "applicant.taxVerifiedRevenue" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"missing error for {field}: {errors}");
        }
    }

    [Fact]
    public async Task Days_past_due_today_cannot_exceed_the_worst_of_the_last_24_months()
    {
        var messages = await ErrorsFor(await _client.Decide(Healthy().With("applicant.currentDaysPastDue", 10)), "applicant.currentDaysPastDue");
        Assert.Equal(["must not be above maxDaysPastDueLast24m, which includes today"], messages);
    }

    [Fact]
    public async Task Text_where_a_number_belongs_is_refused()
    {
        var messages = await ErrorsFor(await _client.Decide(Healthy().With("applicant.annualRevenue", "lots")), "applicant.annualRevenue");
        Assert.Equal(["must be a number"], messages);
    }

    [Fact]
    public async Task Number_in_a_string_is_refused()
    {
        var messages = await ErrorsFor(await _client.Decide(Healthy().With("request.termMonths", "12")), "request.termMonths");
        Assert.Equal(["must be a whole number"], messages);
    }

    [Fact]
    public async Task Bad_date_is_refused()
    {
        var messages = await ErrorsFor(await _client.Decide(Healthy().With("evaluationDate", "20/11/2026")), "evaluationDate");
        Assert.Equal(["must be a date in the form YYYY-MM-DD"], messages);
    }

    [Fact]
    public async Task Duplicate_key_is_refused()
    {
        var body = Healthy().ToString().Replace("\"applicationId\":", "\"applicationId\":\"X\",\"applicationId\":", StringComparison.Ordinal);
        var problem = await ExpectProblem(await _client.DecideRaw(body));
        Assert.Contains("more than once", problem.GetProperty("errors").ToString());
    }

    [Fact]
    public async Task Statements_dated_after_the_evaluation_date_are_refused()
    {
        var messages = await ErrorsFor(await _client.Decide(Healthy().With("applicant.financialStatementsDate", "2030-01-01")), "applicant.financialStatementsDate");
        Assert.Equal(["must not be after evaluationDate"], messages);
    }

    [Fact]
    public async Task Collateral_value_without_collateral_is_refused()
    {
        var messages = await ErrorsFor(
            await _client.Decide(Healthy().With("request.collateralType", "none").With("request.collateralValue", 100000)),
            "request.collateralValue");
        Assert.Equal(["must be 0 when collateralType is none"], messages);
    }

    [Fact]
    public async Task Huge_number_is_refused_not_overflowed()
    {
        var body = Healthy().ToString().Replace("\"amount\":", "\"amount\":1e400,\"x\":", StringComparison.Ordinal);
        var response = await _client.DecideRaw(body);
        await ExpectProblem(response);
    }

    [Theory]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("1e400")]
    [InlineData("-5")]
    [InlineData("79228162514264337593543950336")]
    [InlineData("0.0000000000000000000000000000001")]
    [InlineData("true")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("null")]
    public async Task An_amount_that_is_not_a_sane_number_is_refused_naming_the_field(string amount)
    {
        var body = Healthy().With("request.amount", "@@").ToString().Replace("\"@@\"", amount, StringComparison.Ordinal);
        await ErrorsFor(await _client.DecideRaw(body), "request.amount");
    }

    [Fact]
    public async Task A_body_over_256_KB_is_a_413_problem()
    {
        // Kestrel enforces the limit, so this test runs on it rather than on the in-memory test server.
        using var app = new CreditDecisionApplication();
        app.UseKestrel(0);
        app.StartServer();
        using var client = app.CreateClient();

        var body = Healthy().With("applicant.name", new string('x', 300 * 1024)).ToString();
        var response = await client.DecideRaw(body);
        var problem = await ExpectProblem(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("262144 bytes", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.Decide(Healthy())).StatusCode);
    }

    [Fact]
    public async Task Deeply_nested_json_is_refused_at_the_first_wrong_level()
    {
        var body = Healthy().ToString().Replace("\"applicant\":", "\"applicant\":" + new string('[', 10_000), StringComparison.Ordinal);
        await ErrorsFor(await _client.DecideRaw(body), "applicant");
    }

    [Theory]
    [InlineData("applicationId", "APP-\u202eFDP.exe")]
    [InlineData("applicationId", "APP\u200b-1")]
    [InlineData("applicant.name", "Name \u0000 with NUL")]
    [InlineData("applicant.name", "Lone \\ud800 surrogate")]
    [InlineData("applicant.enterpriseId", "\\udc00\\ud800")]
    public async Task Text_with_control_or_invisible_formatting_characters_is_refused(string field, string escaped)
    {
        var body = Healthy().With(field, "@@").ToString().Replace("\"@@\"", $"\"{escaped}\"", StringComparison.Ordinal);
        var problem = await ExpectProblem(await _client.DecideRaw(body));
        Assert.Contains(field, problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task Text_in_any_script_is_accepted()
    {
        var response = await _client.Decide(Healthy().With("applicant.name", "苏州精工机械有限公司 · Ümlaut & Ωmega 😀"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Invalid_utf8_is_refused()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(Healthy().With("applicant.name", "@@").ToString());
        var at = Array.IndexOf(bytes, (byte)'@');
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        await ExpectProblem(await _client.PostAsync("/decide", content));
    }
}

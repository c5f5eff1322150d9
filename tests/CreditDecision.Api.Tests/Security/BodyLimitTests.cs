using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CreditDecision.Api.Tests;

/// <summary>
/// Every endpoint that reads a body has a limit of its own, enforced by Kestrel while reading (so these tests run on
/// Kestrel, not the in-memory server); beyond it, a 413 problem names the limit. A JSON array of loans is read item by
/// item and refused at its 1,001st.
/// </summary>
public sealed class BodyLimitTests(SharedKestrelApplication shared) : IClassFixture<SharedKestrelApplication>
{
    /// <summary>Each endpoint that takes a body, its content type and its default limit in bytes.</summary>
    public static TheoryData<string, string, string, long> Endpoints => new()
    {
        { "POST", "/decide", "application/json", 256 * 1024 },
        { "POST", "/monitor", "application/json", 1024 * 1024 },
        { "PUT", "/portfolio", "application/json", 1024 * 1024 },
        { "POST", "/backtests", "application/json", 1024 * 1024 },
        { "POST", "/challenger/promote", "application/json", 16 * 1024 },
        { "POST", "/console/signin", "application/x-www-form-urlencoded", 16 * 1024 },
    };

    [Theory, MemberData(nameof(Endpoints))]
    public async Task A_body_over_the_endpoints_limit_is_a_413_problem_naming_it(string method, string path, string type, long limit)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(new byte[limit + 1]) };
        request.Content.Headers.ContentType = new(type);
        request.Headers.ExpectContinue = true;

        using var client = shared.App.CreateClient();
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJson();
        Assert.Equal(limit, problem.GetProperty("limit").GetInt64());
        Assert.Contains($"at most {limit} bytes", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_json_array_of_1000_loans_arriving_in_small_pieces_is_read_item_by_item()
    {
        var loans = Enumerable.Range(0, 1_000).Select(i => i == 500
            ? "{\"loanId\": 5}"
            : MonitoringTests.HealthyLoan($"L-PIECE-{i}").ToJsonString());
        var body = Encoding.UTF8.GetBytes("[ " + string.Join(",\n  ", loans) + " ]\n");
        using var client = shared.App.CreateClient();

        using var response = await client.PostAsync("/monitor", new PiecewiseContent(body, pieceBytes: 997));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.ReadJson();
        Assert.Equal(999, result.GetProperty("summary").GetProperty("reviewed").GetInt64());
        Assert.Equal(501, Assert.Single(result.GetProperty("errors").EnumerateArray()).GetProperty("line").GetInt64());
    }

    [Theory]
    [InlineData("{\"loanId\": \"L-1\"}")]
    [InlineData("[{\"loanId\": \"L-1\"}] [")]
    [InlineData("[{\"loanId\": \"L-1\"}")]
    [InlineData("[]")]
    public async Task A_body_that_is_not_one_array_of_loans_is_refused(string body)
    {
        using var client = shared.App.CreateClient();
        using var response = await client.PostAsync("/monitor", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJson()).GetProperty("errors").TryGetProperty("body", out _));
    }

    [Fact]
    public async Task A_json_array_of_loans_is_refused_at_its_1001st_item_without_reading_further()
    {
        // A body that never ends: the answer must come from the first 1,001 items alone.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(shared.Client.BaseAddress!.Host, shared.Client.BaseAddress.Port);
        await using var stream = tcp.GetStream();
        var chunk = "[" + string.Join(",", Enumerable.Repeat("0", 1_001)) + ",";
        var head = $"POST /monitor HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: {TestKeys.AllRoles.Key}\r\nContent-Type: application/json\r\n" +
            $"Transfer-Encoding: chunked\r\n\r\n{Encoding.ASCII.GetByteCount(chunk):x}\r\n{chunk}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        var answer = Encoding.UTF8.GetString(buffer, 0, read);

        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.Contains("must hold 1 to 1000 loans", answer);
    }

    /// <summary>A body sent in pieces, each written and flushed on its own, so the server reads items cut anywhere.</summary>
    private sealed class PiecewiseContent : HttpContent
    {
        private readonly byte[] _body;
        private readonly int _pieceBytes;

        public PiecewiseContent(byte[] body, int pieceBytes)
        {
            (_body, _pieceBytes) = (body, pieceBytes);
            Headers.ContentType = new("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var at = 0; at < _body.Length; at += _pieceBytes)
            {
                await stream.WriteAsync(_body.AsMemory(at, Math.Min(_pieceBytes, _body.Length - at)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }
}

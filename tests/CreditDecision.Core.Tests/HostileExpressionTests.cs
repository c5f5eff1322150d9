namespace CreditDecision.Core.Tests;

/// <summary>
/// Expressions a hostile or careless rule author could write. Each is refused when the file loads, with the rule, the
/// expression and a reason, and none runs: those with a side effect would leave a marker behind if they had.
/// </summary>
public sealed class HostileExpressionTests : IDisposable
{
    private static readonly string Marker = Path.Combine(Path.GetTempPath(), $"creditdecision-sandbox-marker-{Guid.NewGuid():N}");
    private static readonly string M = Marker.Replace("\\", "\\\\", StringComparison.Ordinal);

    public static TheoryData<string, string> Hostile => new()
    {
        // Reflection
        { "reflection", "applicant.industry.GetType().Name == \"String\"" },
        { "reflection", "typeof(System.IO.File) != null" },
        { "reflection", "\"\".GetType().Assembly.GetTypes().Length > 0" },
        { "reflection", "Activator.CreateInstance(\"System.Private.CoreLib\", \"System.Object\") != null" },
        { "reflection", "Type.GetType(\"System.IO.File\") != null" },
        { "reflection", "applicant.GetType().GetProperties().Length > 0" },
        { "reflection", "System.Reflection.Assembly.Load(\"System.Net.Http\") != null" },
        // Files
        { "file", $"System.IO.File.Exists(\"/etc/passwd\")" },
        { "file", $"System.IO.File.WriteAllText(\"{M}\", \"x\") == null" },
        { "file", $"System.IO.Directory.CreateDirectory(\"{M}\") != null" },
        { "file", $"File.ReadAllText(\"/etc/passwd\").Length > 0" },
        // Processes
        { "process", "System.Diagnostics.Process.Start(\"touch\", \"" + M + "\") != null" },
        { "process", "Process.GetCurrentProcess().Id > 0" },
        // Network
        { "network", "System.Net.Dns.GetHostName() != null" },
        { "network", "new System.Net.Http.HttpClient().GetStringAsync(\"http://127.0.0.1/\").Result != null" },
        { "network", "new System.Net.Sockets.TcpClient(\"127.0.0.1\", 80) != null" },
        // Environment and the process's domain
        { "environment", "Environment.GetEnvironmentVariable(\"PATH\") != null" },
        { "environment", "Environment.ProcessorCount > 0" },
        { "environment", "AppDomain.CurrentDomain.GetAssemblies().Length > 0" },
        // Static members of types not on the allow-list, and non-deterministic ones
        { "static", "DateTime.Now.Year > 2000" },
        { "static", "DateTimeOffset.UtcNow > DateTimeOffset.MinValue" },
        { "static", "Guid.NewGuid() != Guid.Empty" },
        { "static", "new Random().Next() > 0" },
        { "static", "Convert.ToDecimal(\"1\") > 0" },
        { "static", "string.Empty == \"\"" },
        { "static", "int.MaxValue > 0" },
        { "static", "GC.GetTotalMemory(false) > 0" },
        { "static", "Console.ReadLine() != null" },
        // Work that could run long: loops, enumeration, lambdas, recursion through strings
        { "long-running", "Enumerable.Range(0, 300000000).Count() > 0" },
        { "long-running", "Enumerable.Repeat(1, 100000000).Sum() > 0" },
        { "long-running", "new[] { 1, 2, 3 }.Select(x => x * 2).Sum() > 0" },
        { "long-running", "new string('x', 100000000).Length > 0" },
        { "long-running", "string.Join(\",\", Enumerable.Range(0, 100000000)).Length > 0" },
        { "long-running", "Thread.Sleep(10000) == null" },
        { "long-running", "Task.Delay(10000).Wait(20000)" },
    };

    [Theory, MemberData(nameof(Hostile))]
    public void A_hostile_condition_is_refused_naming_rule_expression_and_reason(string kind, string expression)
    {
        var error = RuleFiles.SingleError(RuleFiles.Approval(expression));

        Assert.Equal("Probe", error.Rule);
        Assert.Equal(expression, error.Expression);
        Assert.Equal("test.json", error.File);
        Assert.Matches("sandbox|does not compile", error.Message);
        Assert.False(string.IsNullOrWhiteSpace(kind));
        Assert.False(Path.Exists(Marker), "a refused expression ran");
    }

    [Theory, MemberData(nameof(Hostile))]
    public void A_hostile_output_is_refused_the_same_way(string kind, string expression)
    {
        // The same text as a computed amount: an Output is parsed and checked like a condition.
        var output = $"({expression}) ? 1m : 0m";
        var error = RuleFiles.SingleError(RuleFiles.Limit(output));

        Assert.Equal("ProbeCap", error.Rule);
        Assert.Equal(output, error.Expression);
        Assert.Matches("sandbox|does not compile", error.Message);
        Assert.False(string.IsNullOrWhiteSpace(kind));
        Assert.False(Path.Exists(Marker), "a refused expression ran");
    }

    [Fact]
    public void An_expression_of_more_than_10000_characters_is_refused_before_it_is_parsed()
    {
        var expression = "applicant.taxArrears > 0" + string.Concat(Enumerable.Repeat(" ", 10_000));
        var error = RuleFiles.SingleError(RuleFiles.Approval(expression));
        Assert.Contains("Expression is longer than 10,000 characters with its parameters written in", error.Message);
    }

    [Fact]
    public void An_expression_of_exactly_10000_characters_is_accepted()
    {
        var expression = "applicant.taxArrears > 0" + new string(' ', 10_000 - "applicant.taxArrears > 0".Length);
        Assert.Equal(10_000, expression.Length);
        Assert.Empty(RuleFiles.Compile(RuleFiles.Approval(expression)).Errors);
    }

    public void Dispose()
    {
        if (File.Exists(Marker)) File.Delete(Marker);
        if (Directory.Exists(Marker)) Directory.Delete(Marker);
    }
}

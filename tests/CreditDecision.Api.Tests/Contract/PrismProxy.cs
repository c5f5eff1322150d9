using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CreditDecision.Api.Tests;

/// <summary>
/// Stoplight Prism (npm <c>@stoplight/prism-cli</c>, <see cref="Version"/>) as a validating proxy with errors on, in
/// front of a service on loopback: every request and response is checked against the committed OpenAPI document, a
/// request the document refuses is answered by Prism itself, and a response that breaks the document becomes a 500
/// problem of type <see cref="ViolationsType"/>.
/// </summary>
public sealed class PrismProxy : IDisposable
{
    public const string Version = "5.14.2";
    public const string Variable = "CREDITDECISION_PRISM";
    public const string ViolationsType = "https://stoplight.io/prism/errors#VIOLATIONS";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PrismProxy(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>What Prism printed, for a failure message.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The prism executable named by <see cref="Variable"/>, else one on the PATH, else null.</summary>
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { } named && File.Exists(named)) return named;
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, "prism"))
            .FirstOrDefault(File.Exists);
    }

    public static async Task<PrismProxy> StartAsync(string prism, string document, Uri upstream)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(prism) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "proxy", document, upstream.ToString().TrimEnd('/'), "--errors", "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        var proxy = new PrismProxy(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(string? line)
        {
            if (line is null) return;
            lock (proxy._output) proxy._output.AppendLine(line);
            if (line.Contains("Prism is listening", StringComparison.Ordinal)) listening.TrySetResult();
        }
        proxy._process.OutputDataReceived += (_, e) => Read(e.Data);
        proxy._process.ErrorDataReceived += (_, e) => Read(e.Data);
        proxy._process.BeginOutputReadLine();
        proxy._process.BeginErrorReadLine();
        var started = await Task.WhenAny(listening.Task, proxy._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
        if (started != listening.Task)
        {
            proxy.Dispose();
            throw new InvalidOperationException($"Prism did not start:\n{proxy.Output}");
        }
        return proxy;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}

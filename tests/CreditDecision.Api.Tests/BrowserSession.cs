using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>
/// Debian's headless chromium driven over the Chrome DevTools Protocol: navigate, fill, click, read the page and
/// take screenshots, as a person at the console would. One browser, one tab, its own throwaway profile.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Process _chromium;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _replies = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _awaitedEvents = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;
    private int _nextId;

    private BrowserSession(Process chromium, DirectoryInfo profile)
    {
        _chromium = chromium;
        _profile = profile;
    }

    public static async Task<BrowserSession> StartAsync(string browser)
    {
        var profile = Directory.CreateTempSubdirectory("creditdecision-chromium-");
        var start = new ProcessStartInfo(browser) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars", "--window-size=1280,1400",
            "--remote-debugging-port=0", "--user-data-dir=" + profile.FullName, "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }
        var session = new BrowserSession(Process.Start(start)!, profile);
        var port = await session.DevToolsPortAsync();
        // Keep draining chromium's output so that its pipes never fill and stall it.
        _ = session._chromium.StandardError.ReadToEndAsync();
        _ = session._chromium.StandardOutput.ReadToEndAsync();
        using var http = new HttpClient();
        var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
        var page = targets.First(t => t!["type"]!.GetValue<string>() == "page")!["webSocketDebuggerUrl"]!.GetValue<string>();
        await session._socket.ConnectAsync(new Uri(page), CancellationToken.None);
        session._receiving = Task.Run(session.ReceiveAsync);
        await session.SendAsync("Page.enable");
        await session.SendAsync("Runtime.enable");
        return session;
    }

    /// <summary>Loads a URL and returns when the page (after any redirects) has loaded.</summary>
    public async Task NavigateAsync(string url)
    {
        var loaded = NextEvent("Page.loadEventFired");
        await SendAsync("Page.navigate", new { url });
        await loaded.WaitAsync(Timeout);
    }

    /// <summary>Clicks the element (a link or a submit button) and waits for the page it leads to.</summary>
    public async Task ClickAndWaitAsync(string selector)
    {
        var loaded = NextEvent("Page.loadEventFired");
        await EvaluateAsync($"document.querySelector({JsonSerializer.Serialize(selector)}).click()");
        await loaded.WaitAsync(Timeout);
    }

    public Task FillAsync(string selector, string value) =>
        EvaluateAsync($"document.querySelector({JsonSerializer.Serialize(selector)}).value = {JsonSerializer.Serialize(value)}");

    /// <summary>The element's visible text, or null when the page has no such element.</summary>
    public async Task<string?> TextAsync(string selector)
    {
        var result = await EvaluateAsync($"(e => e ? e.innerText : null)(document.querySelector({JsonSerializer.Serialize(selector)}))");
        return result.ValueKind == JsonValueKind.String ? result.GetString() : null;
    }

    public async Task<string> LocationAsync() => (await EvaluateAsync("location.pathname + location.search")).GetString()!;

    public async Task ScreenshotAsync(string path)
    {
        var shot = await SendAsync("Page.captureScreenshot", new { format = "png" });
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot.GetProperty("data").GetString()!));
    }

    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var reply = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        if (reply.TryGetProperty("exceptionDetails", out var exception)) throw new InvalidOperationException($"{expression}: {exception}");
        return reply.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    private async Task<JsonElement> SendAsync(string method, object? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _replies[id] = reply;
        var message = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
        await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        return await reply.Task.WaitAsync(Timeout);
    }

    private Task NextEvent(string method) =>
        _awaitedEvents.AddOrUpdate(method, _ => new(TaskCreationOptions.RunContinuationsAsynchronously), (_, _) => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 20];
        using var message = new MemoryStream();
        while (_socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
        {
            WebSocketReceiveResult received;
            try
            {
                received = await _socket.ReceiveAsync(buffer, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
                return;
            }
            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage) continue;
            using var document = JsonDocument.Parse(message.ToArray());
            message.SetLength(0);
            var root = document.RootElement;
            if (root.TryGetProperty("id", out var id) && _replies.TryRemove(id.GetInt32(), out var reply))
            {
                if (root.TryGetProperty("error", out var error)) reply.SetException(new InvalidOperationException(error.ToString()));
                else reply.SetResult(root.GetProperty("result").Clone());
            }
            else if (root.TryGetProperty("method", out var method) && _awaitedEvents.TryRemove(method.GetString()!, out var awaited))
            {
                awaited.SetResult();
            }
        }
    }

    /// <summary>Chromium prints the DevTools address on stderr once it listens.</summary>
    private async Task<int> DevToolsPortAsync()
    {
        using var limit = new CancellationTokenSource(Timeout);
        while (await _chromium.StandardError.ReadLineAsync(limit.Token) is { } line)
        {
            const string marker = "DevTools listening on ws://127.0.0.1:";
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0) return int.Parse(line[(at + marker.Length)..].Split('/')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException("chromium exited before it listened for DevTools");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _receiving;
        }
        finally
        {
            _socket.Dispose();
            if (!_chromium.HasExited) _chromium.Kill(entireProcessTree: true);
            await _chromium.WaitForExitAsync();
            _chromium.Dispose();
            _stop.Dispose();
            try
            {
                _profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // chromium's last writes racing the delete; the temp cleaner takes the rest.
            }
        }
    }
}

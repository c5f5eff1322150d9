using Microsoft.Playwright;

namespace CreditDecision.Api.Tests;

/// <summary>
/// Debian's headless chromium driven by Playwright (its driver from the Microsoft.Playwright package, the browser
/// from <c>executablePath</c>, so nothing is downloaded): navigate, type, click, read the page and take screenshots,
/// as a person at the console would. One browser, one page.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly IPage _page;

    private BrowserSession(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        _page = page;
    }

    public static async Task<BrowserSession> StartAsync(string executablePath)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = executablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--hide-scrollbars"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 1400 } });
        page.SetDefaultTimeout(30_000);
        return new BrowserSession(playwright, browser, page);
    }

    /// <summary>Loads a URL and returns when the page (after any redirects) has loaded.</summary>
    public Task NavigateAsync(string url) => _page.GotoAsync(url);

    /// <summary>Clicks the element (a link or a submit button) and waits for the page it leads to.</summary>
    public Task ClickAndWaitAsync(string selector) => AndWaitForLoadAsync(() => _page.ClickAsync(selector));

    public Task FillAsync(string selector, string value) => _page.FillAsync(selector, value);

    /// <summary>Ticks a checkbox.</summary>
    public Task CheckAsync(string selector) => _page.CheckAsync(selector);

    /// <summary>Chooses the option with this value in a drop-down list.</summary>
    public Task SelectAsync(string selector, string value) => _page.SelectOptionAsync(selector, value);

    /// <summary>Presses a key (such as <c>Tab</c> or <c>Enter</c>) on whatever has the focus.</summary>
    public Task PressAsync(string key) => _page.Keyboard.PressAsync(key);

    /// <summary>Types text, key by key, into whatever has the focus.</summary>
    public Task TypeAsync(string text) => _page.Keyboard.TypeAsync(text);

    /// <summary>Presses a key that leads to another page (Enter on a link or in a form) and waits for that page.</summary>
    public Task PressAndWaitAsync(string key) => AndWaitForLoadAsync(() => _page.Keyboard.PressAsync(key));

    public Task<T> EvaluateAsync<T>(string expression) => _page.EvaluateAsync<T>(expression);

    /// <summary>Adds a script file to the page, as a script tag would.</summary>
    public Task AddScriptAsync(string path) => _page.AddScriptTagAsync(new() { Path = path });

    /// <summary>The element's visible text, or null when the page has no such element.</summary>
    public async Task<string?> TextAsync(string selector)
    {
        var element = _page.Locator(selector).First;
        return await element.CountAsync() == 0 ? null : await element.InnerTextAsync();
    }

    public string Location()
    {
        var url = new Uri(_page.Url);
        return url.PathAndQuery;
    }

    public Task ScreenshotAsync(string path) => _page.ScreenshotAsync(new() { Path = path });

    private async Task AndWaitForLoadAsync(Func<Task> action)
    {
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLoad(object? sender, IPage page) => loaded.TrySetResult();
        _page.Load += OnLoad;
        try
        {
            await action();
            await loaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            _page.Load -= OnLoad;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

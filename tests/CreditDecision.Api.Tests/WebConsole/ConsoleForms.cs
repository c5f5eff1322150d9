using System.Text.RegularExpressions;

namespace CreditDecision.Api.Tests;

/// <summary>What a test needs to post one of the console's forms as a browser would: the anti-forgery token its page carries.</summary>
public static partial class ConsoleForms
{
    public static string Token(string html) => TokenPattern().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

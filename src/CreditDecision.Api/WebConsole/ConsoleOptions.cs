using System.ComponentModel.DataAnnotations;

namespace CreditDecision.Api.WebConsole;

/// <summary>Configuration section <c>Console</c>: how long a console session lasts, and where its encryption keys live.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>A session not used for this long ends (sliding: each request extends it).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after sign-in however busy it is; staff then sign in again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Folder of the ASP.NET Core Data Protection keys that encrypt the session cookie and the forms' anti-forgery
    /// tokens, read by every node (a shared volume); relative to the content root. Empty: the keys are kept in the
    /// decision log's database, which every node of a cluster shares already.
    /// </summary>
    public string? KeysDirectory { get; set; }
}

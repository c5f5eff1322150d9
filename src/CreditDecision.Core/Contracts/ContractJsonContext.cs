using System.Text.Json.Serialization;

namespace CreditDecision.Core.Contracts;

/// <summary>
/// Serialization code generated at build time for the contract's hot path: the application read and the decision
/// written by every <c>POST /decide</c> and stored in the log, and the loan reviews of <c>POST /monitor</c>. It is
/// used through <see cref="ContractJson.Options"/>, whose conventions apply; other types fall back to reflection.
/// </summary>
[JsonSerializable(typeof(LoanApplication))]
[JsonSerializable(typeof(DecisionResponse))]
[JsonSerializable(typeof(LoanReview))]
[JsonSerializable(typeof(MonitoringResult))]
internal sealed partial class ContractJsonContext : JsonSerializerContext;

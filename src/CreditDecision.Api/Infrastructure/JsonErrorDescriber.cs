using System.Reflection;
using System.Text.Json;
using CreditDecision.Core.Contracts;

namespace CreditDecision.Api.Infrastructure;

/// <summary>
/// Turns a JSON binding failure into a field name and a plain message, e.g. <c>request.collateralType</c>:
/// "must be one of: none, real-estate, ...". The field is found from the exception's JSON path and its expected
/// type from the contract, so the message never echoes serializer internals.
/// </summary>
public static class JsonErrorDescriber
{
    public static (string Field, string Message) Describe(JsonException exception, Type bodyType)
    {
        var path = exception.Path ?? "$";
        var field = path == "$" ? "body" : path.TrimStart('$', '.');
        var raw = exception.Message;

        if (raw.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return StoredApplication.ReplacedFields.TryGetValue(field, out var replacement) && bodyType == typeof(LoanApplication)
                ? (field, $"is no longer accepted: it was replaced by {replacement}")
                : (field, "is not a known field");
        }
        if (raw.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return (field, "appears more than once");
        }
        if (raw.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return (field, "is nested too deeply");
        }
        if (exception.InnerException is FormatException || raw.Contains("could not be converted", StringComparison.Ordinal))
        {
            var type = ResolveType(bodyType, field);
            if (type is not null) return (field, Expectation(type));
        }
        return (field, $"is not valid JSON{Position(exception)}");
    }

    private static string Position(JsonException exception) =>
        exception.LineNumber is { } line ? $" (line {line + 1}, position {(exception.BytePositionInLine ?? 0) + 1})" : "";

    private static string Expectation(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            var names = (IReadOnlyList<string>)typeof(ContractJson).GetMethod(nameof(ContractJson.WireNamesOf))!
                .MakeGenericMethod(type).Invoke(null, null)!;
            return $"must be one of: {string.Join(", ", names)}";
        }
        if (type == typeof(decimal)) return "must be a number";
        if (type == typeof(int)) return "must be a whole number";
        if (type == typeof(bool)) return "must be true or false";
        if (type == typeof(DateOnly)) return "must be a date in the form YYYY-MM-DD";
        if (type == typeof(string)) return "must be text";
        return "must be an object";
    }

    /// <summary>Follows a dotted camelCase path through the body's properties to the type it expects.</summary>
    private static Type? ResolveType(Type bodyType, string field)
    {
        var type = bodyType;
        foreach (var segment in field.Split('.'))
        {
            var name = segment.Split('[')[0];
            var property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name) == name);
            if (property is null) return null;
            type = property.PropertyType;
        }
        return type;
    }
}

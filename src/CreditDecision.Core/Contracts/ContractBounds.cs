using System.Collections.Frozen;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace CreditDecision.Core.Contracts;

/// <summary>
/// The bounds a contract declares on its members with <see cref="RangeAttribute"/> and <see cref="StringLengthAttribute"/>:
/// the validators enforce them and the OpenAPI document publishes them, so the two cannot disagree.
/// </summary>
public static class ContractBounds
{
    /// <summary>Largest money amount accepted (10 trillion): keeps every product of two amounts exact in decimal.</summary>
    public const string MaxAmount = "10000000000000";

    /// <summary>The lowest (negated) money amount, for members that may be negative, such as EBITDA.</summary>
    public const string MinAmount = "-10000000000000";

    /// <summary>Longest turnover period accepted for one working-capital component: ten years of days.</summary>
    public const string MaxCycleDays = "3650";

    /// <summary>Most guarantors one application may list.</summary>
    public const int MaxGuarantors = 10;

    /// <summary>One member's JSON name and bounds.</summary>
    public sealed record Bound(string JsonName, decimal Min, decimal Max, int MaxLength);

    /// <summary>The bound of <paramref name="member"/> (a C# property name) of <typeparamref name="TContract"/>.</summary>
    public static Bound Of<TContract>(string member) => Cache<TContract>.Bounds[member];

    private static class Cache<TContract>
    {
        // Frozen: validation looks a bound up for each field of every decision.
        public static readonly FrozenDictionary<string, Bound> Bounds = typeof(TContract)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToFrozenDictionary(p => p.Name, Read, StringComparer.Ordinal);

        private static Bound Read(PropertyInfo property)
        {
            var range = property.GetCustomAttribute<RangeAttribute>();
            var length = property.GetCustomAttribute<StringLengthAttribute>();
            return new Bound(
                JsonNamingPolicy.CamelCase.ConvertName(property.Name),
                range is null ? decimal.MinValue : Convert.ToDecimal(range.Minimum, CultureInfo.InvariantCulture),
                range is null ? decimal.MaxValue : Convert.ToDecimal(range.Maximum, CultureInfo.InvariantCulture),
                length?.MaximumLength ?? int.MaxValue);
        }
    }
}

/// <summary>
/// The closed set of values a text member of a response takes, listed as an enum in the OpenAPI document: the wire
/// names of an enum type, or the values given.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ClosedSetAttribute : Attribute
{
    public ClosedSetAttribute(params string[] values) => Values = values;

    public ClosedSetAttribute(Type enumType) =>
        Values = [.. Enum.GetValues(enumType).Cast<object>().Select(v => JsonSerializer.Serialize(v, enumType, ContractJson.Options).Trim('"'))];

    public IReadOnlyList<string> Values { get; }
}

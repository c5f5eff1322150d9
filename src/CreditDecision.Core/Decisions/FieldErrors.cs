using System.Globalization;
using CreditDecision.Core.Contracts;

namespace CreditDecision.Core.Decisions;

/// <summary>Validation errors keyed by the field's JSON path, with the checks every validator shares.</summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

    public void Add(string field, string message)
    {
        if (!_byField.TryGetValue(field, out var messages)) _byField[field] = messages = [];
        messages.Add(message);
    }

    public bool Required<T>(string field, T? value)
    {
        if (value is not null) return true;
        Add(field, "is required");
        return false;
    }

    /// <summary>Required text within the length <typeparamref name="TContract"/> declares for <paramref name="member"/>.</summary>
    public bool Text<TContract>(string prefix, string member, string? value)
    {
        var bound = ContractBounds.Of<TContract>(member);
        // The field's path is built only for an error: validation runs on every decision.
        if (!string.IsNullOrWhiteSpace(value) && value.Length <= bound.MaxLength && IsVisibleText(value)) return true;
        return Text(prefix + bound.JsonName, value, bound.MaxLength);
    }

    public bool Text(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required and must not be blank");
            return false;
        }
        if (value.Length > maxLength) Add(field, $"must be at most {maxLength} characters");
        else if (!IsVisibleText(value)) Add(field, NotVisibleText);
        else return true;
        return false;
    }

    /// <summary>Why text that <see cref="IsVisibleText"/> refuses is refused.</summary>
    public const string NotVisibleText = "must not contain control characters, invisible formatting characters or unpaired surrogates";

    /// <summary>
    /// Letters of any script, digits, punctuation, symbols and spaces; not text that reads differently from what it
    /// holds (bidirectional overrides, zero-width characters) or that cannot be stored and compared as UTF-8.
    /// </summary>
    public static bool IsVisibleText(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            var category = char.GetUnicodeCategory(value[i]);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate) return false;
        }
        return true;
    }

    /// <summary>A required number within the <c>[Range]</c> <typeparamref name="TContract"/> declares for <paramref name="member"/>.</summary>
    public bool Range<TContract>(string prefix, string member, decimal? value)
    {
        var bound = ContractBounds.Of<TContract>(member);
        if (value >= bound.Min && value <= bound.Max) return true;
        return Range(prefix + bound.JsonName, value, bound.Min, bound.Max);
    }

    public bool Range<TContract>(string prefix, string member, int? value) => Range<TContract>(prefix, member, (decimal?)value);

    public bool Range<T>(string field, T? value, T min, T max) where T : struct, IComparable<T>
    {
        if (!Required(field, value)) return false;
        if (value!.Value.CompareTo(min) >= 0 && value.Value.CompareTo(max) <= 0) return true;
        Add(field, $"must be between {min} and {max}");
        return false;
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _byField.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
}

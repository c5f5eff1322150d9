using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CreditDecision.Core.Contracts;

/// <summary>The JSON conventions of the public contract, shared by the API and the command-line tool.</summary>
public static class ContractJson
{
    /// <summary>Serializer options for requests and responses.</summary>
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions());

    /// <summary>
    /// camelCase members, kebab-case enum values, exact member names, no unknown or duplicate members and no
    /// numbers in strings: a misspelt field must be an error, never a silently missing input.
    /// </summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = false;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;
        options.MaxDepth = 32;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(ContractJsonContext.Default, options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
            .WithAddedModifier(WriteRequiredMembers);
        return options;
    }

    /// <summary>
    /// A required member (a <c>required</c> property or a record parameter without a default) is always written, as
    /// <c>null</c> when it has no value; only optional members are left out when null. The OpenAPI document lists the
    /// same members as required, so a client can rely on their presence.
    /// </summary>
    private static void WriteRequiredMembers(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.IsRequired || property.AssociatedParameter is { IsMemberInitializer: false, HasDefaultValue: false })
            {
                property.ShouldSerialize = static (_, _) => true;
            }
        }
    }

    /// <summary>The JSON name of an enum value, e.g. <c>real-estate</c>: the same text rule expressions compare with.</summary>
    public static string WireName<T>(T value) where T : struct, Enum => WireNames<T>.Names[WireNames<T>.Index(value)];

    /// <summary>All JSON names of an enum, in declaration order.</summary>
    public static IReadOnlyList<string> WireNamesOf<T>() where T : struct, Enum => WireNames<T>.Names;

    private static class WireNames<T> where T : struct, Enum
    {
        public static readonly string[] Names =
            [.. Enum.GetValues<T>().Select(v => JsonSerializer.Serialize(v, Options).Trim('"'))];

        // The contract's enums are int-based and numbered 0, 1, 2, ... in declaration order: the value is its index.
        // Reading it in place avoids boxing the value once per field of every decision.
        private static readonly bool IntBased = Enum.GetUnderlyingType(typeof(T)) == typeof(int);

        public static int Index(T value) =>
            IntBased ? Unsafe.As<T, int>(ref value) : Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}

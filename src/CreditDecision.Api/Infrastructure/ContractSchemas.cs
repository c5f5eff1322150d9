using System.Collections.Frozen;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using CreditDecision.Core.Contracts;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CreditDecision.Api.Infrastructure;

/// <summary>
/// Makes each schema of the OpenAPI document say what the service does: money and rates are decimals, a member the
/// service requires is not nullable, enums hold no null, text members with a closed set of values are enums, and
/// free-form JSON is described inline rather than under a .NET type name.
/// </summary>
public static class ContractSchemas
{
    /// <summary>How a client must read amounts; repeated on the document so that every generator shows it.</summary>
    public const string DecimalRule =
        "Amounts, rates and ratios are decimal numbers (format `decimal`): the service computes in decimal arithmetic and writes each value " +
        "exactly. Read them into a decimal type (C# decimal, Java BigDecimal, Python Decimal), never binary floating point, and send them " +
        "as JSON numbers, not strings.";

    /// <summary>Marks, on an object schema, the members the service requires; <see cref="RemoveNullFromRequiredMembers"/> reads it.</summary>
    private const string RequiredMembersMark = "x-required-members";

    private static readonly FrozenSet<Type> FreeFormJson = new[] { typeof(JsonElement), typeof(JsonNode), typeof(JsonObject) }.ToFrozenSet();

    /// <summary>Free-form JSON members are described inline (<c>{}</c>): no component named after a .NET type.</summary>
    public static string? ReferenceId(System.Text.Json.Serialization.Metadata.JsonTypeInfo type) =>
        FreeFormJson.Contains(type.Type) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);

    public static Task Apply(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type == typeof(decimal)) schema.Format = "decimal";
        if (type.IsEnum && schema.Enum is { } values)
        {
            schema.Enum = [.. values.Where(value => value is not null)];
            schema.Type &= ~JsonSchemaType.Null;
        }

        if (RequiredMembers(context.JsonTypeInfo) is { Count: > 0 } required)
        {
            schema.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            schema.Extensions[RequiredMembersMark] = new JsonNodeExtension(new JsonArray([.. required.Select(name => (JsonNode)JsonValue.Create(name))]));
        }

        var member = context.JsonPropertyInfo?.AttributeProvider;
        if (member?.IsDefined(typeof(RequiredAttribute), inherit: true) == true) schema.Type &= ~JsonSchemaType.Null;
        if (member?.GetCustomAttributes(typeof(ClosedSetAttribute), inherit: true).OfType<ClosedSetAttribute>().FirstOrDefault() is { } closed)
        {
            var target = schema.Type?.HasFlag(JsonSchemaType.Array) == true ? schema.Items as OpenApiSchema : schema;
            if (target is not null) target.Enum = [.. closed.Values.Select(value => (JsonNode)JsonValue.Create(value))];
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// A member the service requires (<see cref="RequiredAttribute"/>) is nullable in C# only so that one validation
    /// pass can name every missing field; in the document it is not nullable, whether inline or a reference.
    /// </summary>
    public static void RemoveNullFromRequiredMembers(OpenApiDocument document)
    {
        foreach (var schema in document.Components!.Schemas!.Values.OfType<OpenApiSchema>())
        {
            if (schema.Extensions?.Remove(RequiredMembersMark, out var mark) != true) continue;
            foreach (var name in ((JsonNodeExtension)mark!).Node.AsArray().Select(node => node!.GetValue<string>()))
            {
                if (schema.Properties![name] is OpenApiSchema { OneOf: { Count: 2 } branches } property
                    && branches.FirstOrDefault(branch => branch is not OpenApiSchema { Type: JsonSchemaType.Null }) is { } value)
                {
                    schema.Properties[name] = value;
                }
            }
        }
    }

    private static List<string> RequiredMembers(System.Text.Json.Serialization.Metadata.JsonTypeInfo type) =>
        [.. type.Properties.Where(p => p.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true).Select(p => p.Name)];
}

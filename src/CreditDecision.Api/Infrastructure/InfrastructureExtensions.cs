using CreditDecision.Core.Contracts;
using Microsoft.AspNetCore.Http.Features;

namespace CreditDecision.Api.Infrastructure;

public static class InfrastructureExtensions
{
    public static void AddCreditDecisionInfrastructure(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options => ContractJson.Configure(options.SerializerOptions));
        // Malformed bodies raise BadHttpRequestException in every environment so one handler can name the field.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
            if (context.ProblemDetails.Status == StatusCodes.Status413PayloadTooLarge
                && context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit)
            {
                context.ProblemDetails.Title = "The request body is too large.";
                context.ProblemDetails.Detail = $"This endpoint accepts a body of at most {limit} bytes.";
                context.ProblemDetails.Extensions["limit"] = limit;
            }
            // Every problem says what went wrong in its detail: the message a generated client's exception carries.
            context.ProblemDetails.Detail ??= context.ProblemDetails is HttpValidationProblemDetails { Errors.Count: > 0 } validation
                ? $"{validation.Errors.Count} field(s) need attention: {string.Join(", ", validation.Errors.Keys)}."
                : context.ProblemDetails.Title;
        });
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        builder.AddBodyLimits();
        builder.AddOpenApiDocument();
    }

    public static void UseCreditDecisionInfrastructure(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApiDocument();
    }
}

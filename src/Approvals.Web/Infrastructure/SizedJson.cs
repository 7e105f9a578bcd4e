using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Approvals.Web.Infrastructure;

/// <summary>
/// 200 with <typeparamref name="T"/> as JSON, like <c>TypedResults.Ok</c>, with its <c>Content-Length</c>: the answer is
/// serialised first and goes out in one write with its headers, rather than as a chunked body and a closing chunk
/// (two socket writes). For the hot, small answers (the list of actions, a transition); the OpenAPI description is
/// <c>Ok</c>'s.
/// </summary>
public sealed class SizedJson<T>(T value) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>
{
    public T Value { get; } = value;

    object? IValueHttpResult.Value => Value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var body = JsonSerializer.SerializeToUtf8Bytes(Value, options);
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}

public static class SizedJson
{
    /// <inheritdoc cref="SizedJson{T}"/>
    public static SizedJson<T> Ok<T>(T value) => new(value);
}

using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Approvals.Web.Infrastructure;

/// <summary>Turns a request the API could not read into a 400 that says where it went wrong.</summary>
internal sealed class ProblemExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var result = bad.InnerException switch
        {
            JsonException json => Problems.Validation(
                FieldOf(json),
                $"The JSON is not valid at {json.Path ?? "$"} (line {json.LineNumber + 1}, position {json.BytePositionInLine}): {FirstSentence(json.Message)} Send a JSON object shaped like the plan returned by GET."),
            _ when bad.StatusCode == StatusCodes.Status413PayloadTooLarge => Problems.Validation(
                "body", $"The request body is too large; the limit is {ApiConventions.MaxBodyBytes} bytes."),
            _ => Problems.Validation("body", bad.Message),
        };
        await result.ExecuteAsync(context);
        return true;
    }

    private static string FieldOf(JsonException json) =>
        string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}

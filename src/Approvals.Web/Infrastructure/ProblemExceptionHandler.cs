using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Approvals.Web.Infrastructure;

/// <summary>Turns a request the API could not read into a 400 (413, 415) that says where it went wrong.</summary>
internal sealed partial class ProblemExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        IResult result = bad.InnerException switch
        {
            JsonException json => Problems.Validation(
                FieldOf(json),
                $"The JSON is not valid at {json.Path ?? "$"} (line {json.LineNumber + 1}, position {json.BytePositionInLine}): {FirstSentence(json.Message)} Send a JSON object shaped like the plan returned by GET."),
            _ when bad.StatusCode == StatusCodes.Status413PayloadTooLarge => Problems.TooLarge(
                $"The request body is too large; the limit is {RequestLimits.LimitFor(context)} bytes. Split the plan or shorten its texts."),
            _ when bad.StatusCode == StatusCodes.Status415UnsupportedMediaType => Problems.UnsupportedMediaType(
                $"This endpoint reads a JSON body: send it with Content-Type: application/json. {bad.Message}"),
            _ when BindingFailure().Match(bad.Message) is { Success: true } m => Problems.Validation(
                m.Groups["name"].Value,
                $"'{m.Groups["value"].Value}' is not a valid value for {m.Groups["name"].Value} (a {m.Groups["type"].Value.TrimEnd('?')})."),
            _ when MissingParameter().Match(bad.Message) is { Success: true } m => Problems.Validation(
                m.Groups["name"].Value, $"{m.Groups["name"].Value} is required: {bad.Message}"),
            _ when bad.Message.Contains("no body was provided", StringComparison.Ordinal) => Problems.Validation(
                "body", "A JSON body is required."),
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

    // Minimal APIs' own wording: Failed to bind parameter "int? page" from "abc".
    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^ "]+) (?<name>[^"]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex BindingFailure();

    // Required parameter "string name" was not provided from query string.
    [GeneratedRegex("""^Required parameter "(?<type>[^ "]+) (?<name>[^"]+)" was not provided""")]
    private static partial Regex MissingParameter();
}

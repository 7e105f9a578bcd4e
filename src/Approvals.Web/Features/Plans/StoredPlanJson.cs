using System.Buffers;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Approvals.Web.Features.Plans;

/// <summary>
/// The answer of <c>GET /api/plans/{id}</c>, with the content copied from the stored document as it is instead of
/// deserialised (tens of KB into records, ids checked) and serialised again. The stored objectives have exactly the
/// response's properties and values (<c>id, title, goals</c>; <c>id, number, text, indicators, activities</c>;
/// <c>id, text</c>), in another order and with æ, ø and å unescaped, which is the same JSON to every reader. A document
/// stored before items had ids is answered the usual way: its ids are given as it is read (<see cref="Core.Plans.ContentIds"/>).
/// </summary>
public sealed class StoredPlanJson : IResult, IEndpointMetadataProvider
{
    private static readonly byte[] EmptyObjectivesEnd = "[]}"u8.ToArray();

    private readonly PlanResponse _response;
    private readonly byte[]? _document;
    private readonly Range _objectives;

    private StoredPlanJson(PlanResponse response, byte[]? document, Range objectives)
    {
        _response = response;
        _document = document;
        _objectives = objectives;
    }

    /// <summary>The plan's fields with the stored document's objectives, when every item in it has an id; otherwise null.</summary>
    /// <param name="head">The plan's response without objectives (<see cref="PlanResponse.Head"/>).</param>
    /// <param name="document">The stored document, UTF-8.</param>
    public static StoredPlanJson? FromStored(PlanResponse head, byte[] document) =>
        ObjectivesWithIds(document) is { } objectives ? new StoredPlanJson(head, document, objectives) : null;

    /// <summary>The whole response, written by the serializer as any other.</summary>
    public static StoredPlanJson Of(PlanResponse response) => new(response, null, default);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        if (_document is null)
        {
            await JsonSerializer.SerializeAsync(httpContext.Response.Body, _response, options, httpContext.RequestAborted);
            return;
        }

        // The response's objectives are its last property: the plan's fields end in "objectives":[]}, whose empty
        // array the stored one takes the place of.
        var head = JsonSerializer.SerializeToUtf8Bytes(_response, options);
        if (!head.AsSpan().EndsWith(EmptyObjectivesEnd))
        {
            throw new InvalidOperationException("PlanResponse no longer ends with its objectives: StoredPlanJson must follow its shape.");
        }

        var fields = head.AsSpan(0, head.Length - EmptyObjectivesEnd.Length);
        var objectives = _document.AsSpan(_objectives);
        // Its length known, the answer goes out in one write with its headers, not chunked with a closing chunk after.
        httpContext.Response.ContentLength = fields.Length + objectives.Length + 1;
        var body = httpContext.Response.BodyWriter;
        body.Write(fields);
        body.Write(objectives);
        body.Write("}"u8);
        await body.FlushAsync(httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(PlanResponse), ["application/json"]));

    /// <summary>
    /// Where the root's <c>objectives</c> array is in the stored document, when every object in it (objective, goal,
    /// indicator, activity: there are no others) has a non-empty string <c>id</c>; otherwise null. One pass over the
    /// document: reading its tokens is the largest single cost of a plan's read in the app's own code.
    /// </summary>
    private static Range? ObjectivesWithIds(ReadOnlySpan<byte> document)
    {
        var reader = new Utf8JsonReader(document);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("objectives"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return null;
            }

            var start = (int)reader.TokenStartIndex;
            return EveryItemHasAnId(ref reader) ? new Range(start, (int)reader.TokenStartIndex + 1) : null;
        }

        return null;
    }

    // From the objectives' opening bracket to its closing one, where the reader is left when every object had an id.
    // Objects are tracked by their depth in the document: the objectives array is at 1, its objects at 2, a goal at 4,
    // an indicator or activity at 6. A document nested deeper than the plan's shape is answered the usual way.
    private static bool EveryItemHasAnId(ref Utf8JsonReader reader)
    {
        Span<bool> hasId = stackalloc bool[8];
        while (reader.Read())
        {
            var depth = reader.CurrentDepth;
            switch (reader.TokenType)
            {
                case JsonTokenType.EndArray when depth == 1:
                    return true;
                case JsonTokenType.StartObject when depth < hasId.Length:
                    hasId[depth] = false;
                    break;
                case JsonTokenType.StartObject:
                    return false;
                case JsonTokenType.EndObject when !hasId[depth]:
                    return false;
                // A property name's depth is its object's plus one.
                case JsonTokenType.PropertyName when reader.ValueTextEquals("id"u8):
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length == 0)
                    {
                        return false;
                    }

                    hasId[depth - 1] = true;
                    break;
            }
        }

        return false;
    }
}

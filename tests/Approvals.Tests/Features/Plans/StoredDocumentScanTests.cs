using System.Text;
using System.Text.Json;
using Approvals.Web.Features.Plans;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.Plans;

/// <summary>
/// Which stored documents <c>GET /api/plans/{id}</c> copies into its answer (every item has an id) and which it reads
/// the usual way (so the missing ids are given), and that the copied part is exactly the document's objectives.
/// </summary>
public sealed class StoredDocumentScanTests
{
    private const string Indicator = """{"text":"Andelen stiger","id":"o1-g1-i1"}""";
    private const string Activity = """{"text":"Kampagne","id":"o1-g1-a1"}""";

    private static string Goal(string indicator = Indicator, string activity = Activity, string id = "\"id\":\"o1-g1\",") =>
        $$"""{{{id}}"number":"1","text":"Flere i foreninger","indicators":[{{indicator}}],"activities":[{{activity}}]}""";

    private static string Objectives(string goal) => $$"""[{"title":"Kultur","goals":[{{goal}}],"id":"o1"}]""";

    public static TheoryData<string, string> Copied => new()
    {
        { "every item has an id", $$"""{"objectives":{{Objectives(Goal())}}}""" },
        { "no objectives yet", """{"objectives":[]}""" },
        { "a property before the objectives, with objects in it", """{"format":{"ids":{"since":2}},"objectives":""" + Objectives(Goal()) + "}" },
        { "a property after them", """{"objectives":""" + Objectives(Goal()) + ""","note":{"id":""}}""" },
        { "spaces between tokens, as PostgreSQL's jsonb writes them", $$"""{"objectives": [{"id": "o1", "goals": [], "title": "Kultur"}]}""" },
        { "an id spelled with an escape", """{"objectives":[{"\u0069d":"o1","title":"Kultur","goals":[]}]}""" },
    };

    public static TheoryData<string, string> ReadTheUsualWay => new()
    {
        { "an objective without an id", """{"objectives":[{"title":"Kultur","goals":[]}]}""" },
        { "a goal without an id", $$"""{"objectives":{{Objectives(Goal(id: ""))}}}""" },
        { "an indicator without an id", $$"""{"objectives":{{Objectives(Goal(indicator: """{"text":"Andelen stiger"}"""))}}}""" },
        { "an activity without an id", $$"""{"objectives":{{Objectives(Goal(activity: """{"text":"Kampagne"}"""))}}}""" },
        { "an empty id", $$"""{"objectives":{{Objectives(Goal(indicator: """{"text":"Andelen stiger","id":""}"""))}}}""" },
        { "an id that is a number", $$"""{"objectives":{{Objectives(Goal(activity: """{"text":"Kampagne","id":7}"""))}}}""" },
        { "an id only inside a text", $$"""{"objectives":{{Objectives(Goal(activity: """{"text":"\"id\":\"a1\""}"""))}}}""" },
        { "an id only in a nested object of the item", $$"""{"objectives":{{Objectives(Goal(activity: """{"text":"Kampagne","meta":{"id":"a1"}}"""))}}}""" },
        { "no objectives", """{"title":"Kultur"}""" },
        { "objectives that are not an array", """{"objectives":{"id":"o1"}}""" },
        { "a document that is not an object", """[{"id":"o1"}]""" },
    };

    [Theory]
    [MemberData(nameof(Copied))]
    public async Task A_document_whose_items_all_have_ids_is_answered_with_its_objectives_as_stored(string why, string document)
    {
        var answer = StoredPlanJson.FromStored(Head, Encoding.UTF8.GetBytes(document));

        Assert.True(answer is not null, why);
        var body = await Written(answer);
        var objectives = JsonDocument.Parse(document).RootElement.GetProperty("objectives").GetRawText();
        Assert.Equal(objectives, body.GetProperty("objectives").GetRawText());
        Assert.Equal("Kultur og fritid", body.GetProperty("title").GetString());
    }

    [Theory]
    [MemberData(nameof(ReadTheUsualWay))]
    public void A_document_with_an_item_without_an_id_is_not_copied(string why, string document) =>
        Assert.True(StoredPlanJson.FromStored(Head, Encoding.UTF8.GetBytes(document)) is null, why);

    private static readonly PlanResponse Head = new(
        Guid.Parse("0b5c4a52-7a5c-4c8e-9d0f-3c1b1d2e3f40"), "KFU", "Kultur- og Fritidsudvalget", "Kultur og fritid", "owner", "draft", 1,
        "plan-approval", 1, new DateTime(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc), new DateTime(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc),
        1, 0, 0, "\"etag\"", []);

    private static async Task<JsonElement> Written(StoredPlanJson answer)
    {
        var http = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddOptions().Configure<JsonOptions>(_ => { }).BuildServiceProvider(),
        };
        using var body = new MemoryStream();
        http.Response.Body = body;
        await answer.ExecuteAsync(http);
        Assert.Equal(body.Length, http.Response.ContentLength);
        return JsonDocument.Parse(body.ToArray()).RootElement.Clone();
    }
}

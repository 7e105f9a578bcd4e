using System.Text.Json;
using Approvals.Core.Plans;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Plans;

/// <summary>GET /api/plans/{id} copies the stored document into its answer; the answer is the same JSON as the plan's, item by item.</summary>
[Collection(ReviewCollection.Name)]
public sealed class StoredPlanJsonTests(ReviewApp app)
{
    [Fact]
    public async Task A_plan_read_back_has_every_property_and_value_it_was_saved_with_letters_and_markup_included()
    {
        var body = ReviewApp.PlanBody(Committee.Kfu.Code, "Kultur & fritid: \"æøå\" <ÆØÅ>", "Andelen af børn i <b>foreninger</b> stiger med 5 % & mere", "Ønsket: \\ / \u00e9");
        var created = await app.CreatePlan(Committee.Kfu, body);
        var client = await app.ClientFor(Users.Secretary(Committee.Kfu));

        var response = await client.GetAsync($"/api/plans/{created.Id}");
        var read = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        // The creating answer is serialised from the content's records; the read is the stored document's copy.
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(response.Headers.ETag!.ToString(), read.GetProperty("eTag").GetString());
        var saved = JsonSerializer.SerializeToElement(created, JsonSerializerOptions.Web);
        Assert.Equal(Canonical(saved.GetProperty("objectives")), Canonical(read.GetProperty("objectives")));
        // PostgreSQL keeps times to the microsecond, so the times read back may be shorter than the creating answer's.
        Assert.Equal(
            saved.EnumerateObject().Where(p => !p.Name.EndsWith("Utc", StringComparison.Ordinal)).Select(p => p.Name + "=" + Canonical(p.Value)),
            read.EnumerateObject().Where(p => !p.Name.EndsWith("Utc", StringComparison.Ordinal)).Select(p => p.Name + "=" + Canonical(p.Value)));
        Assert.Equal("Andelen af børn i <b>foreninger</b> stiger med 5 % & mere", read.GetProperty("objectives")[0].GetProperty("goals")[0].GetProperty("indicators")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_stored_document_with_an_item_without_an_id_is_answered_with_the_id_it_gets_on_reading()
    {
        var created = await app.CreatePlan(Committee.Kfu, ReviewApp.PlanBody(Committee.Kfu.Code, "Plan med en aktivitet uden id", "Andelen stiger med 5 procentpoint"));
        var activity = created.Objectives[0].Goals[0].Activities[0].Id;
        await app.WithDb(db => db.Database.ExecuteSqlAsync(
            $"""UPDATE "PlanContents" SET "Content" = REPLACE("Content", {$",\"id\":\"{activity}\""}, '') WHERE "Id" = {created.Id}"""));
        var stored = await app.WithDb(db => db.Database.SqlQuery<string>($"""SELECT "Content" AS "Value" FROM "PlanContents" WHERE "Id" = {created.Id}""").SingleAsync());
        Assert.DoesNotContain(activity, stored);

        var read = await (await (await app.ClientFor(Users.Secretary(Committee.Kfu))).GetAsync($"/api/plans/{created.Id}")).ReadOk<PlanResponse>();

        Assert.Equal("o1-g1-a1", read.Objectives[0].Goals[0].Activities[0].Id);
        Assert.Equal(created.Objectives[0].Goals[0].Id, read.Objectives[0].Goals[0].Id);
    }

    // The same JSON to a reader: objects' properties by name, whatever their order and escaping.
    private static string Canonical(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => JsonSerializer.Serialize(p.Name) + ":" + Canonical(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(",", element.EnumerateArray().Select(Canonical)) + "]",
        JsonValueKind.String => JsonSerializer.Serialize(element.GetString()),
        _ => element.GetRawText(),
    };
}

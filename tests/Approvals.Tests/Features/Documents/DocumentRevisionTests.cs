using Approvals.Core.Plans;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using static Approvals.Tests.Features.Documents.Importer;

namespace Approvals.Tests.Features.Documents;

/// <summary>Exporting a submitted revision: on the review tests' app, since it moves a plan through stages.</summary>
[Collection(ReviewCollection.Name)]
public sealed class DocumentRevisionTests(ReviewApp app)
{
    [Fact]
    public async Task A_submitted_revision_exports_as_it_was_frozen_and_the_draft_as_it_is_now()
    {
        var plan = await app.CreatePlan(Committee.Biu, ReviewApp.PlanBody("BIU", "Beskæftigelsesplan", "Andelen i job stiger med 2 %"));
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        await app.Take(Users.AdministrativeReviewer, plan.Id, "return", "Tilføj en indikator mere.");
        var secretary = await app.ClientFor(Users.Secretary(Committee.Biu));
        var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/plans/{plan.Id}")
        {
            Content = JsonContent.Create(ReviewApp.PlanBody("BIU", "Beskæftigelsesplan, ny udgave", "Andelen i job stiger med 2 %", "Antallet af ledige falder")),
        };
        edit.Headers.IfMatch.Add(System.Net.Http.Headers.EntityTagHeaderValue.Parse(await app.ETagOf(plan.Id)));
        (await secretary.SendAsync(edit)).EnsureSuccessStatusCode();

        var first = await secretary.GetAsync($"/api/plans/{plan.Id}/document?revision=1");
        var current = await secretary.GetAsync($"/api/plans/{plan.Id}/document");
        var notSubmitted = await secretary.GetAsync($"/api/plans/{plan.Id}/document?revision=2");

        var frozen = await ReadOk(await first.Content.ReadAsByteArrayAsync(), Committee.Biu);
        var now = await ReadOk(await current.Content.ReadAsByteArrayAsync(), Committee.Biu);
        Assert.Equal(["Andelen i job stiger med 2 %"], frozen.Content!.Goals.Single().Indicators.Select(i => i.Text));
        Assert.Equal("Beskæftigelsesplan", frozen.Plan!.Input.Title);
        Assert.Contains("udgave 1.docx", first.Content.Headers.ContentDisposition!.FileNameStar);
        Assert.Equal(["Andelen i job stiger med 2 %", "Antallet af ledige falder"], now.Content!.Goals.Single().Indicators.Select(i => i.Text));
        Assert.Equal("Beskæftigelsesplan, ny udgave", now.Plan!.Input.Title);
        var problem = await notSubmitted.AssertProblem(HttpStatusCode.NotFound);
        Assert.Contains("no submitted revision 2", problem.GetProperty("detail").GetString());
    }
}

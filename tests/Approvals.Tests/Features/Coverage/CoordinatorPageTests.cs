using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Features.Coverage;

/// <summary>The coverage page (/koordinator) over HTTP with the sign-in cookie.</summary>
[Collection(AppCollection.Name)]
public sealed class CoordinatorPageTests(ApprovalsApp app)
{
    [Theory]
    [InlineData(Users.Coordinator)]
    [InlineData(Users.Administrator)]
    [InlineData(Users.AdministrativeReviewer)]
    [InlineData(Users.CouncilApprover)]
    public async Task Coordinators_administrators_and_reviewers_open_the_coverage_page(string email)
    {
        var client = await PageClient.SignIn(app, email);

        var html = await client.Html("/koordinator");

        Assert.Contains("<h1>Indikatordækning</h1>", html);
        Assert.Contains("""<tr data-committee="SOU">""", html);
    }

    [Fact]
    public async Task A_secretary_gets_the_friendly_403_and_no_csv()
    {
        var client = (await PageClient.SignIn(app, Users.Secretary(Committee.Sou))).Http;

        var page = await client.GetAsync("/koordinator");
        var csv = await client.GetAsync("/koordinator?handler=Csv");

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("Du har ikke adgang til denne side", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, csv.StatusCode);
        Assert.Equal("text/html", csv.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_goals_lacking_indicators_link_to_their_row_on_the_plan_page()
    {
        var client = await PageClient.SignIn(app, Users.Coordinator);
        var sou = (await (await app.ClientFor(Users.Coordinator)).AllPlans("committee=SOU"))!
            .Single(p => p.Title == "Handleplan: Sundheds- og Omsorgsudvalget");

        var html = await client.Html("/koordinator?committee=sou&stage=draft");

        Assert.Contains($"""<a href="/planer/{sou.Id}#maal-1-1">Sundheden blandt københavnere""", html);
        Assert.Contains("Pladsholder", html);
        Assert.Contains("""<option value="sou" selected="selected">""", html);
        Assert.Contains("""<option value="draft" selected="selected">""", html);
        Assert.DoesNotContain("""<tr data-committee="TMU">""", html);
    }

    [Fact]
    public async Task The_csv_link_downloads_the_same_file_as_the_api()
    {
        var page = await PageClient.SignIn(app, Users.Coordinator);
        var api = await app.ClientFor(Users.Coordinator);
        var html = await page.Html("/koordinator?committee=sou");
        Assert.Contains("""download href="/koordinator?committee=sou&amp;handler=Csv">""", html);

        var fromPage = await page.Http.GetAsync("/koordinator?committee=sou&handler=Csv");
        var fromApi = await api.GetAsync("/api/reports/missing-indicators?committee=sou&format=csv");

        Assert.Equal(HttpStatusCode.OK, fromPage.StatusCode);
        Assert.Equal("text/csv", fromPage.Content.Headers.ContentType?.MediaType);
        Assert.Equal(fromApi.Content.Headers.ContentDisposition?.FileName, fromPage.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(await fromApi.Content.ReadAsByteArrayAsync(), await fromPage.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_unknown_filter_is_named_beside_its_field()
    {
        var client = (await PageClient.SignIn(app, Users.Coordinator)).Http;

        var response = await client.GetAsync("/koordinator?committee=xyz&stage=draft");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("""<span class="field-error" id="committee-error">Vælg et af udvalgene på listen.</span>""", html);
        Assert.DoesNotContain("stage-error", html);
        Assert.DoesNotContain("<table", html);
    }
}

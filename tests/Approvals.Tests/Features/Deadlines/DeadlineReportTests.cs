using System.Net;
using System.Text;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Deadlines;
using Microsoft.AspNetCore.Mvc;

namespace Approvals.Tests.Features.Deadlines;

/// <summary>The deadline report: API, CSV and the page "Frister", on the clock the test moves.</summary>
[Collection(DeadlineCollection.Name)]
public sealed class DeadlineReportTests(DeadlineApp app)
{
    [Fact]
    public async Task The_report_lists_waiting_plans_most_overdue_first_and_filters_by_committee_stage_and_overdue()
    {
        // Two SOU-less committees' plans: one submitted now, one submitted 90 minutes earlier (overdue by 30 minutes).
        var late = await app.CreatePlan(Committee.Buu);
        await app.Take(Users.Secretary(Committee.Buu), late.Id, "submit");
        app.Advance(TimeSpan.FromMinutes(90));
        var fresh = await app.CreatePlan(Committee.Sou);
        await app.Take(Users.Secretary(Committee.Sou), fresh.Id, "submit");
        var coordinator = await app.ClientFor(Users.Coordinator);

        var report = (await coordinator.GetFromJsonAsync<DeadlineReportResponse>("/api/reports/deadlines"))!;
        var ours = report.Rows.Where(r => r.PlanId == late.Id || r.PlanId == fresh.Id).ToList();
        Assert.Equal([late.Id, fresh.Id], ours.Select(r => r.PlanId));
        Assert.True(ours[0].Overdue);
        Assert.Equal("PT30M", ours[0].OverdueBy);
        Assert.Equal("Administrativ behandling", ours[0].StageName.Da);
        Assert.False(ours[1].Overdue);
        Assert.Null(ours[1].OverdueBy);
        Assert.All(report.Rows, r => Assert.NotEqual(Stages.Draft, r.Stage));
        Assert.All(report.Rows.Zip(report.Rows.Skip(1)), pair => Assert.True(pair.First.DueUtc is null ? pair.Second.DueUtc is null : pair.Second.DueUtc is null || pair.First.DueUtc <= pair.Second.DueUtc));

        var overdue = (await coordinator.GetFromJsonAsync<DeadlineReportResponse>("/api/reports/deadlines?overdue=true"))!;
        Assert.Contains(overdue.Rows, r => r.PlanId == late.Id);
        Assert.DoesNotContain(overdue.Rows, r => r.PlanId == fresh.Id);
        Assert.All(overdue.Rows, r => Assert.True(r.Overdue));

        var sou = (await coordinator.GetFromJsonAsync<DeadlineReportResponse>("/api/reports/deadlines?committee=sou&stage=administrative-review"))!;
        Assert.Contains(sou.Rows, r => r.PlanId == fresh.Id);
        Assert.All(sou.Rows, r => Assert.Equal(("SOU", Stages.AdministrativeReview), (r.Committee, r.Stage)));
    }

    [Theory]
    [InlineData("committee=XYZ", "Committee")]
    [InlineData("stage=draft", "Stage")]
    [InlineData("overdue=yes", "Overdue")]
    [InlineData("format=pdf", "Format")]
    public async Task A_bad_filter_is_a_400_naming_the_field(string query, string field)
    {
        var response = await (await app.ClientFor(Users.Coordinator)).GetAsync($"/api/reports/deadlines?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();
        Assert.Contains(problem!.Errors.Keys, k => k.Equals(field, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Secretaries_may_not_read_the_report()
    {
        var response = await (await app.ClientFor(Users.Secretary(Committee.Sou))).GetAsync("/api/reports/deadlines");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_csv_is_for_Danish_Excel_and_the_page_shows_overskredet_with_how_long()
    {
        var plan = await app.CreatePlan(Committee.Kfu);
        await app.Take(Users.Secretary(Committee.Kfu), plan.Id, "submit");
        app.Advance(TimeSpan.FromMinutes(60 + 125));

        var csv = await (await app.ClientFor(Users.AdministrativeReviewer)).GetAsync("/api/reports/deadlines?format=csv&committee=kfu&overdue=true");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal("frister-kfu-overskredet.csv", csv.Content.Headers.ContentDisposition?.FileName);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        Assert.Equal("Udvalg;Plan-id;Plan;Fase;I fasen siden;Frist;Overskredet;Overskredet med (dage)", lines[0]);
        var row = Assert.Single(lines, l => l.Contains(plan.Id.ToString(), StringComparison.Ordinal));
        Assert.StartsWith($"KFU;{plan.Id};{plan.Title};Administrativ behandling;", row, StringComparison.Ordinal);
        Assert.EndsWith(";ja;0,1", row, StringComparison.Ordinal);

        var page = await PageClient.SignIn(app, Users.Coordinator);
        var html = await page.Html("/frister?committee=kfu&overdue=true");
        Assert.Contains($"data-plan=\"{plan.Id}\" data-overdue=\"true\"", html, StringComparison.Ordinal);
        Assert.Contains("<strong class=\"overdue\">overskredet</strong> 2 t. 5 min.", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/frister?committee=kfu&amp;overdue=true&amp;handler=Csv\"", html, StringComparison.Ordinal);
        var fromPage = await page.Http.GetAsync("/frister?committee=kfu&overdue=true&handler=Csv");
        Assert.Equal("text/csv", fromPage.Content.Headers.ContentType?.MediaType);
        Assert.Contains(plan.Id.ToString(), await fromPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_home_page_lists_tasks_with_their_due_time_the_overdue_first()
    {
        var first = await app.CreatePlan(Committee.Oeu);
        await app.Take(Users.Secretary(Committee.Oeu), first.Id, "submit");
        app.Advance(TimeSpan.FromMinutes(70));
        var second = await app.CreatePlan(Committee.Oeu);
        await app.Take(Users.Secretary(Committee.Oeu), second.Id, "submit");

        var page = await PageClient.SignIn(app, Users.AdministrativeReviewer);
        var html = await page.Html("/");
        var firstAt = html.IndexOf($"/planer/{first.Id}", StringComparison.Ordinal);
        var secondAt = html.IndexOf($"/planer/{second.Id}", StringComparison.Ordinal);
        Assert.True(firstAt > 0 && secondAt > firstAt, "the overdue task comes before the one due later");
        Assert.Contains("overskredet", html[firstAt..secondAt], StringComparison.Ordinal);
    }
}

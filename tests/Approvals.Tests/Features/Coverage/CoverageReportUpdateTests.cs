using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Coverage;
using Approvals.Web.Features.Plans;

namespace Approvals.Tests.Features.Coverage;

/// <summary>The report follows what secretaries save. These tests write plans, so they have a database of their own.</summary>
public sealed class CoverageReportUpdateTests(ApprovalsApp app) : IClassFixture<ApprovalsApp>
{
    private const string Report = "/api/reports/missing-indicators";

    private static object Goal(string number, string text, params string[] indicators) =>
        new { number, text, indicators = indicators.Select(i => new { text = i }).ToArray() };

    [Fact]
    public async Task A_saved_plan_shows_up_in_the_report_and_in_the_csv_exactly_as_typed()
    {
        var secretary = await app.ClientFor(Users.Secretary(Committee.Biu));
        const string tricky = "Flere i job; især \"unge\"\r\nog kvinder  ";
        const string formula = "=HYPERLINK(\"http://127.0.0.1/\";\"klik\")";
        // The JSON report writes the title from the bytes stored: quotes, a backslash and Danish letters are escaped alike.
        const string title = "Beskæftigelse; \"2027\" \\ Ø";
        var created = await (await secretary.PostAsJsonAsync("/api/plans", new
        {
            committee = "BIU",
            title,
            objectives = new object[]
            {
                new { title = "Job", goals = new[] { Goal("1", tricky.Trim()), Goal("2", "Målt", "Andelen i job skal stige med 3 procentpoint") } },
                new { title = "Øvrigt", goals = new[] { Goal("1", formula, "- - -"), Goal("2", "Ikke målt endnu", "Ikke fastsat") } },
            },
        })).ReadOk<PlanResponse>();
        var coordinator = await app.ClientFor(Users.Coordinator);

        var report = await (await coordinator.GetAsync(Report + "?committee=biu")).ReadOk<CoverageReportResponse>();
        var csv = await coordinator.GetByteArrayAsync(Report + "?committee=biu&format=csv");
        var records = Csv.Parse(System.Text.Encoding.UTF8.GetString(csv.AsSpan(3)));

        Assert.Equal(
            [(1, "1", "indicator-missing", ""), (2, "1", "indicator-placeholder", "- - -"), (2, "2", "indicator-placeholder", "Ikke fastsat")],
            report.Rows.Select(r => (r.Objective, r.GoalNumber, r.Code, r.IndicatorText)));
        Assert.All(report.Rows, r => Assert.Equal((created.Id, title, "draft"), (r.PlanId, r.PlanTitle, r.Stage)));
        Assert.Equal(new CommitteeCoverage("BIU", "Beskæftigelses- og Integrationsudvalget", 4, 3, 0.25), Assert.Single(report.Summary));

        Assert.Equal(4, records.Count);
        Assert.Equal(title, records[1][2]);
        Assert.Equal(tricky.Trim(), records[1][7]);
        Assert.Equal("'" + formula, records[2][7]);
        Assert.Equal("- - -", records[2][9]);
    }

    [Fact]
    public async Task A_goal_given_a_real_indicator_leaves_the_report()
    {
        var coordinator = await app.ClientFor(Users.Coordinator);
        var plan = (await coordinator.AllPlans("committee=SOU"))!.Single();
        var sou = await app.ClientFor(Users.Secretary(Committee.Sou));
        var current = await sou.GetFromJsonAsync<PlanResponse>($"/api/plans/{plan.Id}");
        var goal = current!.Objectives[0].Goals[0];

        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/plans/{plan.Id}")
        {
            Content = JsonContent.Create(new
            {
                committee = "SOU",
                title = current.Title,
                objectives = new[] { new { title = current.Objectives[0].Title, goals = new[] { Goal(goal.Number, goal.Text, "Forskellen i middellevetid skal mindskes") } } },
            }),
        };
        put.Headers.IfMatch.ParseAdd(current.ETag);
        (await sou.SendAsync(put)).EnsureSuccessStatusCode();

        var report = await (await coordinator.GetAsync(Report + "?committee=SOU")).ReadOk<CoverageReportResponse>();
        Assert.Empty(report.Rows);
        Assert.Equal(new CommitteeCoverage("SOU", "Sundheds- og Omsorgsudvalget", 1, 0, 1.0), Assert.Single(report.Summary));
    }
}

using System.Net;
using System.Text.RegularExpressions;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;

namespace Approvals.Tests.Features.Plans;

/// <summary>The edit page takes the same plans as the API: the largest one the API accepts saves from the page too.</summary>
[Collection(AppCollection.Name)]
public sealed partial class EditPlanLimitsTests(ApprovalsApp app)
{
    [Fact]
    public async Task A_plan_at_the_field_limit_is_saved_from_the_edit_page_as_the_browser_posts_it()
    {
        var plan = await CreateAtTheFieldLimit("Største plan");
        var pages = await PageClient.SignIn(app, Users.Secretary(Committee.Biu));
        var html = await pages.Html($"/planer/{plan.Id}/rediger");
        var fields = FormFields(html);
        // + the plan's title; each item's hidden id is not a field of the plan.
        Assert.Equal(PlanLimits.MaxFields + 1, fields.Count(f => f.Key.StartsWith("Input.", StringComparison.Ordinal) && !f.Key.EndsWith(".Id", StringComparison.Ordinal)));

        fields["Input.Title"] = "Største plan, gemt fra siden";
        fields["Input.Objectives[0].Goals[49].Indicators[36].Text"] = "Den sidste indikator, ændret";
        var response = await pages.Post($"/planer/{plan.Id}/rediger", html, fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"/planer/{plan.Id}/rediger", response.RequestMessage!.RequestUri!.AbsolutePath); // redirected after the save
        var saved = (await (await app.ClientFor(Users.Secretary(Committee.Biu))).GetFromJsonAsync<PlanResponse>($"/api/plans/{plan.Id}"))!;
        Assert.Equal("Største plan, gemt fra siden", saved.Title);
        Assert.Equal("Den sidste indikator, ændret", saved.Objectives[0].Goals[49].Indicators[36].Text);
    }

    [Fact]
    public async Task A_plan_over_the_field_limit_is_refused_by_the_page_with_the_reason_as_by_the_api()
    {
        var plan = await CreateAtTheFieldLimit("Lige under grænsen");
        var pages = await PageClient.SignIn(app, Users.Secretary(Committee.Biu));
        var html = await pages.Html($"/planer/{plan.Id}/rediger");
        var fields = FormFields(html);

        fields["Input.Objectives[0].Goals[0].Indicators[37].Text"] = "Én for meget";
        var response = await pages.Post($"/planer/{plan.Id}/rediger", html, fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-state=\"invalid\"", page);
        Assert.Contains($"Planen har {PlanLimits.MaxFields + 1} felter", page);
        var stored = (await (await app.ClientFor(Users.Secretary(Committee.Biu))).GetFromJsonAsync<PlanResponse>($"/api/plans/{plan.Id}"))!;
        Assert.Equal(plan.ETag, stored.ETag);
    }

    [Fact]
    public async Task A_form_far_over_any_plan_is_a_400_not_a_failure()
    {
        var plan = await CreateAtTheFieldLimit("Mål for et overfald");
        var pages = await PageClient.SignIn(app, Users.Secretary(Committee.Biu));
        var html = await pages.Html($"/planer/{plan.Id}/rediger");
        var fields = FormFields(html);
        for (var i = 0; i < 3000; i++)
        {
            fields[$"Input.Objectives[1].Goals[{i}].Text"] = "x";
        }

        var response = await pages.Post($"/planer/{plan.Id}/rediger", html, fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<PlanResponse> CreateAtTheFieldLimit(string title)
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        // 1 objective title + 50 goals × (number, text, 37 indicators) = 1 + 50 × 39 = 1,951 fields, + 49 activities on goal 1 = 2,000
        var body = System.Text.Json.Nodes.JsonNode.Parse(PlanInputRulesTests.PlanWith(goals: 50, indicatorsPerGoal: 37, title))!;
        body["objectives"]![0]!["goals"]![0]!["activities"] = new System.Text.Json.Nodes.JsonArray(
            Enumerable.Range(1, 49).Select(i => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["text"] = $"Aktivitet {i}" }).ToArray());
        var response = await client.PostAsync("/api/plans", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        return await response.ReadOk<PlanResponse>();
    }

    /// <summary>The form's fields as a browser posts them: text inputs, text areas and hidden fields, by name.</summary>
    private static Dictionary<string, string> FormFields(string html)
    {
        var fields = new Dictionary<string, string>();
        foreach (Match m in Input().Matches(html))
        {
            var tag = m.Value;
            var name = Regex.Match(tag, "name=\"([^\"]*)\"").Groups[1].Value;
            var value = Regex.Match(tag, "value=\"([^\"]*)\"") is { Success: true } v ? v.Groups[1].Value : "";
            fields[WebUtility.HtmlDecode(name)] = WebUtility.HtmlDecode(value);
        }

        foreach (Match m in TextArea().Matches(html))
        {
            fields[WebUtility.HtmlDecode(m.Groups[1].Value)] = WebUtility.HtmlDecode(m.Groups[2].Value);
        }

        fields.Remove("__RequestVerificationToken");
        return fields;
    }

    [GeneratedRegex("<input [^>]*name=\"[^\"]*\"[^>]*>")]
    private static partial Regex Input();

    [GeneratedRegex("<textarea [^>]*name=\"([^\"]*)\"[^>]*>(.*?)</textarea>", RegexOptions.Singleline)]
    private static partial Regex TextArea();
}

using System.Net.Http.Headers;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Workflow;

namespace Approvals.Tests.Features.Workflow;

[Collection(AppCollection.Name)]
public sealed class WorkflowApiTests(ApprovalsApp app)
{
    [Fact]
    public async Task The_workflows_are_listed_with_their_versions()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Sou));

        var workflows = await client.GetFromJsonAsync<List<WorkflowSummary>>("/api/workflows");

        var plan = Assert.Single(workflows!);
        Assert.Equal(("committee-plan", 1, "Udvalgets handleplan"), (plan.Id, plan.LatestVersion, plan.Name.Da));
        Assert.Equal([1], plan.Versions);
    }

    [Fact]
    public async Task A_workflow_shows_its_stages_transitions_and_guards()
    {
        var client = await app.ClientFor(Users.Coordinator);

        var workflow = (await client.GetFromJsonAsync<WorkflowResponse>("/api/workflows/committee-plan"))!;

        var v1 = Assert.Single(workflow.Versions);
        Assert.Equal(5, v1.Stages.Count);
        Assert.Equal(30, v1.Stages.Single(s => s.Id == Stages.CouncilApproval).DueDays);
        Assert.Contains(v1.Transitions, t => t.Action == "return" && t.CommentRequired && t.From.SequenceEqual([Stages.AdministrativeReview]));
        Assert.Equal(["no-errors-except-indicators", "comments-answered", "indicators-complete"], v1.Guards.Select(g => g.Name));
    }

    [Fact]
    public async Task The_diagram_is_mermaid_text_or_json_when_asked()
    {
        var client = await app.ClientFor(Users.Coordinator);

        var text = await client.GetAsync("/api/workflows/committee-plan/diagram");
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/workflows/committee-plan/diagram?version=1");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var json = await (await client.SendAsync(request)).ReadOk<DiagramResponse>();

        Assert.Equal("text/vnd.mermaid", text.Content.Headers.ContentType?.MediaType);
        var mermaid = await text.Content.ReadAsStringAsync();
        Assert.StartsWith("stateDiagram-v2", mermaid);
        Assert.Contains("Udvalgsgodkendelse / Committee approval", mermaid);
        Assert.Equal(mermaid, json.Mermaid);
        Assert.Equal(1, json.Version);
    }

    [Theory]
    [InlineData("/api/workflows/leave-request", "Known workflows: committee-plan")]
    [InlineData("/api/workflows/leave-request/diagram", "Known workflows: committee-plan")]
    [InlineData("/api/workflows/committee-plan/diagram?version=9", "Its versions are 1")]
    public async Task An_unknown_workflow_or_version_is_a_404_naming_what_exists(string url, string named)
    {
        var client = await app.ClientFor(Users.Coordinator);

        var problem = await (await client.GetAsync(url)).AssertProblem(HttpStatusCode.NotFound);

        Assert.Contains(named, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_workflows_need_a_signed_in_user()
    {
        var response = await app.CreateClient().GetAsync("/api/workflows");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

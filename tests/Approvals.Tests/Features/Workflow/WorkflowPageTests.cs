using System.Text.RegularExpressions;
using Approvals.Core.Workflow;
using Approvals.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.Workflow;

/// <summary>The workflow page (/arbejdsgange) draws the definition the runtime runs, not a copy of it.</summary>
[Collection(AppCollection.Name)]
public sealed partial class WorkflowPageTests(ApprovalsApp app)
{
    [Fact]
    public async Task The_workflow_page_draws_and_lists_every_stage_and_transition_of_the_definition()
    {
        var definition = app.Services.GetRequiredService<WorkflowCatalog>().Latest(WorkflowIds.CommitteePlan);
        var client = await PageClient.SignIn(app, Users.Secretary(Approvals.Core.Plans.Committee.Sou));

        var html = await client.Html("/arbejdsgange");

        Assert.Matches("""<svg [^>]*role="img" aria-labelledby="diagram-title" aria-describedby="diagram-desc" """, html);
        Assert.Equal(definition.Stages.Count, Regex.Count(html, "<g class=\"diagram__stage"));
        Assert.Equal(definition.Transitions.Sum(t => t.From.Count), Regex.Count(html, "<path d=\"M [^\"]+\" class=\"diagram__arrow"));
        Assert.Equal(definition.Transitions.Where(t => t.To == definition.InitialStage).Sum(t => t.From.Count), Regex.Count(html, "diagram__arrow--back"));
        foreach (var stage in definition.Stages)
        {
            Assert.Contains($"{stage.Name.Da}</th>", html.Replace(" (startfase)", "").Replace(" (slutfase)", ""));
        }

        var transitions = TransitionRows().Match(html);
        Assert.True(transitions.Success, "The page has no table of transitions.");
        Assert.Equal(definition.Transitions.Count, Regex.Count(transitions.Groups[1].Value, "<tr>"));
        Assert.Contains("Alle resultatmål har en rigtig indikator", transitions.Value);
        Assert.Equal(WorkflowDiagram.Mermaid(definition), WebUtility.HtmlDecode(MermaidSource().Match(html).Groups[1].Value));
        Assert.Contains("""<a href="/arbejdsgange" aria-current="page">Arbejdsgange</a>""", html);
    }

    [Fact]
    public async Task An_unknown_workflow_version_is_the_friendly_404()
    {
        var client = (await PageClient.SignIn(app, Users.Coordinator)).Http;

        var response = await client.GetAsync("/arbejdsgange?version=99");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Siden findes ikke", await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("<pre><code>(.*?)</code></pre>", RegexOptions.Singleline)]
    private static partial Regex MermaidSource();

    [GeneratedRegex("""<table class="list transitions">.*?<tbody>(.*?)</tbody>""", RegexOptions.Singleline)]
    private static partial Regex TransitionRows();
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;

namespace Approvals.Tests.Features.Workflow;

public sealed class WorkflowDefinitionTests
{
    [Fact]
    public void The_shipped_definition_loads_with_the_five_stages_in_Danish_and_English()
    {
        var catalog = WorkflowCatalog.Load(DefinitionFolder.ShippedFolder, WorkflowIds.CommitteePlan);

        var definition = catalog.Latest(WorkflowIds.CommitteePlan);
        Assert.Equal(
            [
                (Stages.Draft, "Kladde", "Draft"),
                (Stages.AdministrativeReview, "Administrativ behandling", "Administrative review"),
                (Stages.CommitteeApproval, "Udvalgsgodkendelse", "Committee approval"),
                (Stages.CouncilApproval, "Borgerrepræsentationen", "City council approval"),
                (Stages.Adopted, "Vedtaget", "Adopted"),
            ],
            definition.Stages.Select(s => (s.Id, s.Name.Da, s.Name.En)));
        Assert.Equal((Stages.Draft, Stages.Adopted), (definition.InitialStage, definition.FinalStage));
        Assert.Equal([Stages.Draft], definition.Stages.Where(s => s.Editable).Select(s => s.Id));
        Assert.All(definition.Stages.Where(s => Roles.Reviewers.Intersect(definition.ActingRoles(s.Id)).Any()),
            s => Assert.True(s.DueDays > 0, $"{s.Id} has no due days"));
    }

    public static TheoryData<string, Action<JsonObject>, string> BrokenDefinitions => new()
    {
        {
            "unknown stage",
            d => d["transitions"]![1]!["to"] = "committee-aproval",
            "goes to unknown stage 'committee-aproval'"
        },
        {
            "unreachable stage",
            d =>
            {
                d["stages"]!.AsArray().Add(new JsonObject { ["id"] = "archived", ["name"] = new JsonObject { ["da"] = "Arkiveret", ["en"] = "Archived" } });
                d["transitions"]!.AsArray().Add(JsonNode.Parse("""{ "action": "return", "from": ["archived"], "to": "draft", "roles": ["Administrator"] }"""));
            },
            "stage 'archived' is unreachable"
        },
        {
            "no final stage",
            d => d.Remove("finalStage"),
            "there is no final stage"
        },
        {
            "unknown role",
            d => d["transitions"]![3]!["roles"] = new JsonArray("Mayor"),
            "names unknown role 'Mayor'"
        },
        {
            "unknown guard",
            d => d["transitions"]![1]!["guards"] = new JsonArray("indicators-completed"),
            "names unknown guard 'indicators-completed'"
        },
        {
            "duplicate action from one stage",
            d => d["transitions"]!.AsArray().Add(JsonNode.Parse("""{ "action": "approve", "from": ["administrative-review"], "to": "council-approval", "roles": ["AdministrativeReviewer"] }""")),
            "action 'approve' is defined 2 times from stage 'administrative-review'"
        },
        {
            "stuck stage",
            d =>
            {
                d["transitions"]!.AsArray().RemoveAt(6);
                d["transitions"]!.AsArray().RemoveAt(5);
            },
            "stage 'council-approval' has no way out"
        },
        {
            "undeclared action",
            d => d["transitions"]![0]!["action"] = "send",
            "uses action 'send', which \"actions\" does not define"
        },
        {
            "misspelt field",
            d => d["transitions"]![0]!["gaurds"] = new JsonArray(),
            "gaurds"
        },
    };

    [Theory]
    [MemberData(nameof(BrokenDefinitions))]
    public void A_broken_definition_is_refused_with_the_file_and_the_fault(string fault, Action<JsonObject> breakIt, string expected)
    {
        using var folder = new DefinitionFolder();
        var definition = DefinitionFolder.Shipped();
        breakIt(definition);
        var file = folder.Write("committee-plan.json", definition);

        var error = Assert.Throws<WorkflowDefinitionException>(() => WorkflowCatalog.Load(folder.Path, WorkflowIds.CommitteePlan));

        Assert.Contains(file, error.Message);
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{fault}: expected \"{expected}\" in: {error.Message}");
    }

    [Fact]
    public void Every_fault_of_a_file_is_reported_at_once()
    {
        using var folder = new DefinitionFolder();
        var definition = DefinitionFolder.Shipped();
        definition["transitions"]![3]!["roles"] = new JsonArray("Mayor");
        definition["transitions"]![1]!["guards"] = new JsonArray("indicators-completed");
        folder.Write("committee-plan.json", definition);

        var error = Assert.Throws<WorkflowDefinitionException>(() => WorkflowCatalog.Load(folder.Path));

        Assert.Equal(2, error.Faults.Count);
    }

    [Fact]
    public void Invalid_json_is_refused_with_the_line_where_it_broke()
    {
        using var folder = new DefinitionFolder();
        var file = folder.WriteText("committee-plan.json", "{\n  \"id\": \"committee-plan\",\n  \"version\": 1,\n  \"stages\": [\n");

        var error = Assert.Throws<WorkflowDefinitionException>(() => WorkflowCatalog.Load(folder.Path));

        Assert.Contains(file, error.Message);
        Assert.Contains("line", error.Message);
    }

    [Fact]
    public void Two_files_with_the_same_version_are_refused()
    {
        using var folder = new DefinitionFolder();
        folder.Write("committee-plan.json", DefinitionFolder.Shipped());
        folder.Write("committee-plan.v1.json", DefinitionFolder.Shipped());

        var error = Assert.Throws<WorkflowDefinitionException>(() => WorkflowCatalog.Load(folder.Path));

        Assert.Contains("committee-plan v1 is also defined in", error.Message);
    }

    [Fact]
    public void A_version_file_must_be_named_for_its_version()
    {
        using var folder = new DefinitionFolder();
        folder.Write("committee-plan.json", DefinitionFolder.Shipped());
        var v2 = DefinitionFolder.Shipped();
        v2["version"] = 2;
        folder.Write("committee-plan.v3.json", v2);

        var error = Assert.Throws<WorkflowDefinitionException>(() => WorkflowCatalog.Load(folder.Path));

        Assert.Contains("must be named committee-plan.json (the current version) or committee-plan.v2.json", error.Message);
    }

    [Fact]
    public void A_folder_without_the_committee_plan_workflow_is_refused()
    {
        using var folder = new DefinitionFolder();

        var error = Assert.Throws<WorkflowDefinitionException>(() => WorkflowCatalog.Load(folder.Path, WorkflowIds.CommitteePlan));

        Assert.Contains("'committee-plan' that new plans start on is missing", error.Message);
    }

    [Fact]
    public void The_json_schema_knows_exactly_the_roles_and_guards_of_the_code()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(DefinitionFolder.ShippedFolder, "committee-plan.schema.json")));
        var transition = schema.RootElement.GetProperty("properties").GetProperty("transitions").GetProperty("items").GetProperty("properties");

        Assert.Equal(Roles.All.Order(), transition.GetProperty("roles").GetProperty("items").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).Order());
        Assert.Equal(WorkflowGuards.Names.Order(), transition.GetProperty("guards").GetProperty("items").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).Order());
        Assert.Equal("./committee-plan.schema.json", DefinitionFolder.Shipped()["$schema"]!.GetValue<string>());
    }

    [Fact]
    public void The_diagram_draws_every_transition_with_its_roles_and_guards()
    {
        var definition = WorkflowCatalog.Load(DefinitionFolder.ShippedFolder).Latest(WorkflowIds.CommitteePlan);

        var mermaid = WorkflowDiagram.Mermaid(definition);

        Assert.StartsWith("stateDiagram-v2", mermaid);
        Assert.Contains("draft --> administrative_review : submit [Secretary] [no-errors-except-indicators]", mermaid);
        Assert.Contains("administrative_review --> committee_approval : approve [AdministrativeReviewer] [indicators-complete]", mermaid);
        Assert.Contains("council_approval --> draft : return [CouncilApprover] [comment required]", mermaid);
        Assert.Contains("council_approval : Borgerrepræsentationen / City council approval", mermaid);
        Assert.Contains("[*] --> draft", mermaid);
        Assert.Contains("adopted --> [*]", mermaid);
    }

    [Fact]
    public void The_readme_shows_the_diagram_of_the_current_definition()
    {
        var definition = WorkflowCatalog.Load(DefinitionFolder.ShippedFolder).Latest(WorkflowIds.CommitteePlan);
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        var expected = WorkflowDiagram.Mermaid(definition);
        var fix = $"Put this block under \"## The workflow\" in README.md:\n```mermaid\n{expected}```";

        var section = readme.IndexOf("## The workflow", StringComparison.Ordinal);
        var start = section < 0 ? -1 : readme.IndexOf("```mermaid\n", section, StringComparison.Ordinal);
        Assert.True(start >= 0, fix);
        start += "```mermaid\n".Length;
        var block = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];

        Assert.True(expected == block, fix);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Approvals.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("Approvals.sln not found above the test folder.");
    }
}

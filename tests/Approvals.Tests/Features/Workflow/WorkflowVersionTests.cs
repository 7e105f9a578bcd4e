using System.Text.Json.Nodes;
using Approvals.Core.Plans;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;
using Approvals.Web.Features.Workflow;
using Xunit.Abstractions;

namespace Approvals.Tests.Features.Workflow;

/// <summary>The app over a database file and a workflows folder the test chooses, so a test can restart it.</summary>
public sealed class ConfiguredApp(string workflows, string? database = null) : ApprovalsApp
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?> { ["Workflows:Path"] = workflows };
            if (database is not null)
            {
                // A file the test keeps across restarts: SQLite whatever the pass.
                settings["Database:Provider"] = "Sqlite";
                settings["ConnectionStrings:Approvals"] = $"Data Source={database}";
            }

            return settings;
        }
    }

    public async Task Stop() => await ((IAsyncLifetime)this).DisposeAsync();
}

// Restarts the app over one SQLite file of its own, so it runs in the SQLite pass only.
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class WorkflowVersionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_plan_keeps_running_on_the_version_it_started_on_after_a_new_version_is_published()
    {
        using var folder = new DefinitionFolder();
        var database = Path.Combine(folder.Path, "approvals.db");
        var v1 = DefinitionFolder.Shipped();
        folder.Write("committee-plan.json", v1);

        // Version 1 is live: a plan starts on it and is submitted.
        var first = new ConfiguredApp(folder.Path, database);
        Guid running;
        try
        {
            running = await new Steps(first).Start(Committee.Biu);
            await new Steps(first).Take(Users.Secretary(Committee.Biu), running, "submit");
        }
        finally
        {
            await first.Stop();
        }

        // Version 2 is published: the council stage is dropped. Version 1's file is kept under its number.
        folder.Write("committee-plan.v1.json", v1);
        folder.Write("committee-plan.json", WithoutCouncilStage(v1));
        var second = new ConfiguredApp(folder.Path, database);
        try
        {
            var steps = new Steps(second);
            var started = await steps.Start(Committee.Biu);

            Assert.Equal(1, (await steps.Plan(running)).WorkflowVersion);
            Assert.Equal(2, (await steps.Plan(started)).WorkflowVersion);

            // The running plan goes through the council on v1; the new one is adopted by the committee on v2.
            await steps.Take(Users.AdministrativeReviewer, running, "approve");
            Assert.Equal(Stages.CouncilApproval, await steps.Take(Users.CommitteeApprover(Committee.Biu), running, "approve"));
            Assert.Equal(Stages.Adopted, await steps.Take(Users.CouncilApprover, running, "approve"));

            await steps.Take(Users.Secretary(Committee.Biu), started, "submit");
            await steps.Take(Users.AdministrativeReviewer, started, "approve");
            Assert.Equal(Stages.Adopted, await steps.Take(Users.CommitteeApprover(Committee.Biu), started, "approve"));

            var workflow = await (await second.ClientFor(Users.Coordinator)).GetFromJsonAsync<WorkflowResponse>("/api/workflows/committee-plan");
            Assert.Equal([1, 2], workflow!.Versions.Select(v => v.Version));
            Assert.Equal(2, workflow.LatestVersion);
        }
        finally
        {
            await second.Stop();
        }

        // Removing v1's file while plans are pinned to it stops the app with a message saying what to do.
        folder.Delete("committee-plan.v1.json");
        var third = new ConfiguredApp(folder.Path, database);
        var error = Record.Exception(() => third.Server);
        output.WriteLine(error?.ToString());
        Assert.NotNull(error);
        Assert.Contains("pinned to committee-plan v1", Messages(error));
        await Record.ExceptionAsync(third.Stop);
    }

    [Fact]
    public async Task A_broken_definition_file_stops_the_app_with_a_message_naming_the_file_and_the_fault()
    {
        using var folder = new DefinitionFolder();
        var broken = DefinitionFolder.Shipped();
        broken["transitions"]![3]!["roles"] = new JsonArray("Mayor");
        var file = folder.Write("committee-plan.json", broken);
        var app = new ConfiguredApp(folder.Path);

        var error = Record.Exception(() => app.Server);

        Assert.NotNull(error);
        output.WriteLine(error.ToString());
        Assert.Contains(file, Messages(error));
        Assert.Contains("unknown role 'Mayor'", Messages(error));
        await Record.ExceptionAsync(app.Stop);
    }

    private static string Messages(Exception error)
    {
        var all = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            all.Add(e.Message);
        }

        return string.Join(" | ", all);
    }

    private static JsonObject WithoutCouncilStage(JsonObject v1)
    {
        var v2 = v1.DeepClone().AsObject();
        v2["version"] = 2;
        var stages = v2["stages"]!.AsArray();
        stages.Remove(stages.Single(s => s!["id"]!.GetValue<string>() == Stages.CouncilApproval));
        var transitions = v2["transitions"]!.AsArray();
        foreach (var t in transitions.Where(t => t!["from"]![0]!.GetValue<string>() == Stages.CouncilApproval).ToList())
        {
            transitions.Remove(t);
        }

        transitions.Single(t => t!["from"]![0]!.GetValue<string>() == Stages.CommitteeApproval && t["action"]!.GetValue<string>() == "approve")!["to"] = Stages.Adopted;
        return v2;
    }

    private sealed class Steps(ApprovalsApp app)
    {
        public async Task<Guid> Start(Committee committee)
        {
            var client = await app.ClientFor(Users.Secretary(committee));
            return (await (await client.PostAsJsonAsync("/api/plans", ReviewApp.CleanPlan(committee.Code))).ReadOk<PlanResponse>()).Id;
        }

        public async Task<PlanResponse> Plan(Guid id) =>
            (await (await app.ClientFor(Users.Coordinator)).GetFromJsonAsync<PlanResponse>($"/api/plans/{id}"))!;

        public async Task<string> Take(string email, Guid id, string action)
        {
            var response = await ReviewApp.Act(await app.ClientFor(email), id, action, (await Plan(id)).ETag);
            return (await response.ReadOk<TransitionResponse>()).Stage;
        }
    }
}

using System.Text.Json.Nodes;
using Approvals.Core.Deadlines;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Tests.Features.Workflow;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Features.Deadlines;

[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class DeadlineDefinitionTests
{
    [Theory]
    [InlineData("P10D", 10 * 24 * 3600)]
    [InlineData("PT30S", 30)]
    [InlineData("PT2S", 2)]
    [InlineData("P2W", 14 * 24 * 3600)]
    [InlineData("P1DT12H", 36 * 3600)]
    [InlineData("PT1H30M", 5400)]
    [InlineData("PT0S", 0)]
    public void Durations_are_read_as_ISO_8601(string text, int seconds)
    {
        Assert.True(IsoDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("10 days")]
    [InlineData("P1M")]
    [InlineData("P1Y")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1DT")]
    [InlineData("-P1D")]
    [InlineData("")]
    public void Durations_that_are_not_exact_or_not_ISO_8601_are_refused(string text) =>
        Assert.False(IsoDuration.TryParse(text, out _));

    [Fact]
    public void The_shipped_definition_reminds_and_escalates_in_every_reviewer_stage_and_keeps_version_1_as_it_was()
    {
        var catalog = WorkflowCatalog.Load(DefinitionFolder.ShippedFolder, WorkflowIds.CommitteePlan);
        var latest = catalog.Latest(WorkflowIds.CommitteePlan);
        Assert.Equal(2, latest.Version);
        foreach (var stage in new[] { Stages.AdministrativeReview, Stages.CommitteeApproval, Stages.CouncilApproval })
        {
            var deadline = latest.Stage(stage).Deadline;
            Assert.NotNull(deadline);
            Assert.NotEmpty(deadline.RemindBefore);
            Assert.Equal(["Coordinator"], deadline.EscalateTo);
        }

        Assert.Null(latest.Stage(Stages.Draft).Deadline);
        Assert.Equal(TimeSpan.FromDays(10), latest.Stage(Stages.AdministrativeReview).Deadline!.Due);

        // Plans pinned to version 1 keep its due days and have no reminders.
        var v1 = catalog.Get(WorkflowIds.CommitteePlan, 1);
        Assert.Equal([10, 30, 30], v1.Stages.Where(s => s.DueDays is not null).Select(s => s.DueDays!.Value));
        Assert.All(v1.Stages.Select(s => s.Deadline).OfType<StageDeadline>(), d => Assert.Empty(d.RemindBefore));
    }

    public static TheoryData<string, Action<JsonObject>, string> BrokenDeadlines => new()
    {
        { "unreadable due", d => Stage(d)["due"] = "10 dage", "has \"due\" '10 dage'; write an ISO 8601 duration" },
        { "due in months", d => Stage(d)["due"] = "P1M", "has \"due\" 'P1M'" },
        { "two due times", d => { Stage(d)["dueDays"] = 10; Stage(d)["due"] = "P10D"; }, "gives its due time 2 ways (due, dueDays)" },
        { "reminder after entering", d => { Stage(d)["due"] = "P1D"; Stage(d)["remindBefore"] = new JsonArray("P2D"); }, "reminds P2D before a due time only P1D after" },
        { "reminder without due", d => { Stage(d).Remove("dueDays"); Stage(d)["remindBefore"] = new JsonArray("P1D"); }, "has reminders or an escalation but no due time" },
        { "escalation to no one", d => Stage(d)["escalateAfter"] = "P1D", "has \"escalateAfter\" but no \"escalateTo\"" },
        { "escalation to an unknown role", d => { Stage(d)["escalateAfter"] = "P1D"; Stage(d)["escalateTo"] = new JsonArray("Mayor"); }, "escalates to unknown role 'Mayor'" },
        { "working days out of range", d => { Stage(d).Remove("dueDays"); Stage(d)["dueWorkingDays"] = 0; }, "has \"dueWorkingDays\" 0" },
        { "misspelt field", d => Stage(d)["remindBefor"] = new JsonArray("P1D"), "remindBefor" },
        { "final stage due", d => ((JsonObject)d["stages"]![4]!)["due"] = "P1D", "is the final stage, which a plan never leaves, so it cannot have a due time" },
    };

    [Theory]
    [MemberData(nameof(BrokenDeadlines))]
    public void A_broken_deadline_is_refused_at_start_up_naming_the_stage_and_the_fix(string fault, Action<JsonObject> breakIt, string expected)
    {
        _ = fault;
        using var folder = new DefinitionFolder();
        var definition = V1();
        breakIt(definition);
        folder.Write("committee-plan.json", definition);

        var error = Assert.Throws<WorkflowDefinitionException>(() => WorkflowCatalog.Load(folder.Path, WorkflowIds.CommitteePlan));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schedule_reminds_before_the_due_time_escalates_after_it_and_leaves_out_reminders_before_the_plan_entered()
    {
        var deadline = new StageDeadline(TimeSpan.FromDays(2), null, [TimeSpan.FromDays(3), TimeSpan.FromDays(1)], TimeSpan.FromHours(4), ["Coordinator"]);
        var entered = new DateTime(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);
        var due = deadline.DueFrom(entered);

        Assert.Equal(entered.AddDays(2), due);
        Assert.Equal(
            [(DeadlineNoticeKind.Reminder, entered.AddDays(1)), (DeadlineNoticeKind.Escalation, due.AddHours(4))],
            deadline.Schedule(entered, due).Select(p => (p.Kind, p.AtUtc)));
    }

    [Fact]
    public void Working_days_skip_weekends_and_Danish_public_holidays_at_the_same_time_of_day()
    {
        // Wednesday 1 April 2026, 10:00 in Copenhagen (08:00 UTC). Maundy Thursday, Good Friday, the weekend and
        // Easter Monday (2-6 April) are not working days: two working days on is Wednesday 8 April, 10:00.
        var start = new DateTime(2026, 4, 1, 8, 0, 0, DateTimeKind.Utc);
        Assert.Equal(new DateTime(2026, 4, 8, 8, 0, 0, DateTimeKind.Utc), DanishWorkingDays.Add(start, 2));

        // Friday 4 December 2026, 14:00 (13:00 UTC): one working day on is Monday.
        Assert.Equal(new DateTime(2026, 12, 7, 13, 0, 0, DateTimeKind.Utc), DanishWorkingDays.Add(new DateTime(2026, 12, 4, 13, 0, 0, DateTimeKind.Utc), 1));
    }

    private static JsonObject V1() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(DefinitionFolder.ShippedFolder, "committee-plan.v1.json")))!.AsObject();

    // Administrative review, which v1 gives "dueDays": 10.
    private static JsonObject Stage(JsonObject definition) => (JsonObject)definition["stages"]![1]!;
}

using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Features.Deadlines;

/// <summary>Once in real time, with second-long durations and the sweep's own loop: no test moves the clock.</summary>
public sealed class DeadlineRealTimeTests
{
    [Fact]
    public async Task With_a_due_time_of_seconds_the_reminder_and_the_escalation_each_arrive_once_by_themselves()
    {
        var database = TestDatabase.Create(Path.Combine(Path.GetTempPath(), "approvals-tests", Guid.NewGuid().ToString("N")));
        await using var app = RealTimeApp.Create(database);
        await app.InitializeAsync();

        var plan = await app.CreatePlan(Committee.Biu);
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");

        // Due 4 s after submitting; reminded 2 s before; escalated 1 s after. Generous bounds: the machine is loaded.
        var reminder = Assert.Single(await app.Inbox(plan.Id, "PlanDeadlineApproaching", 1));
        Assert.StartsWith($"{Users.AdministrativeReviewer}: Påmindelse: frist for handleplan ", reminder, StringComparison.Ordinal);
        Assert.Equal([$"{Users.Coordinator}: Frist overskredet: {plan.Title}"], await app.Inbox(plan.Id, "PlanOverdue", 1));

        // The loop keeps sweeping; nothing more arrives.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await app.Delivered(plan.Id);
        Assert.Single(await app.InboxNow(plan.Id, "PlanDeadlineApproaching"));
        Assert.Single(await app.InboxNow(plan.Id, "PlanOverdue"));
        Assert.Equal(2, (await app.NoticesOf(plan.Id)).Count);
    }

    private sealed class RealTimeApp(TestDatabase database)
        : DeadlineApp(database, new TestClock(), Definition(due: "PT4S", remindBefore: ["PT2S"], escalateAfter: "PT1S"),
            new Dictionary<string, string?> { ["Deadlines:SweepInterval"] = "00:00:00.2" })
    {
        public static RealTimeApp Create(TestDatabase database) => new(database);

        protected override bool UsesTestClock => false;
    }
}

using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Deadlines;

/// <summary>Reminders across a restart and between two instances on one database: none lost, none doubled.</summary>
public sealed class DeadlineRestartTests
{
    private const string Reminder = "PlanDeadlineApproaching";
    private const string Overdue = "PlanOverdue";

    [Fact]
    public async Task Notices_due_while_the_app_was_down_are_sent_once_after_the_restart_and_those_sent_before_are_not_sent_again()
    {
        var database = new KeptDatabase(TestDatabase.Create(Path.Combine(Path.GetTempPath(), "approvals-tests", Guid.NewGuid().ToString("N"))));
        try
        {
            var clock = new TestClock();
            Guid planId;
            await using (var first = DeadlineApp.On(database, clock))
            {
                await first.InitializeAsync();
                var plan = await first.CreatePlan(Committee.Sou);
                planId = plan.Id;
                await first.Take(Users.Secretary(Committee.Sou), planId, "submit");
                clock.Advance(TimeSpan.FromMinutes(31));
                await first.Sweep();
                await first.Inbox(planId, Reminder, 1);
                await first.Delivered(planId);
            }

            // Down past the second reminder (10 minutes before) but not past the due time, then up again.
            clock.Advance(TimeSpan.FromMinutes(22));
            await using (var second = DeadlineApp.On(database, clock))
            {
                await second.InitializeAsync();
                await second.Sweep();
                await second.Inbox(planId, Reminder, 2);

                // Down again past the escalation; the next start escalates once.
                await second.Delivered(planId);
            }

            clock.Advance(TimeSpan.FromHours(1));
            await using (var third = DeadlineApp.On(database, clock))
            {
                await third.InitializeAsync();
                await third.Sweep();
                await third.Sweep();
                await third.Inbox(planId, Overdue, 1);
                await third.Delivered(planId);
                Assert.Equal(2, (await third.InboxNow(planId, Reminder)).Count);
                Assert.Single(await third.InboxNow(planId, Overdue));
                Assert.Equal(3, (await third.NoticesOf(planId)).Count);
            }
        }
        finally
        {
            await database.Inner.Drop();
        }
    }

    [Fact]
    public async Task Two_instances_sweeping_one_database_at_the_same_moments_send_each_notice_once()
    {
        var database = new KeptDatabase(TestDatabase.Create(Path.Combine(Path.GetTempPath(), "approvals-tests", Guid.NewGuid().ToString("N"))));
        try
        {
            var clock = new TestClock();
            await using var a = DeadlineApp.On(database, clock);
            await a.InitializeAsync();
            await using var b = DeadlineApp.On(database, clock);
            await b.InitializeAsync();

            var plans = new List<Guid>();
            foreach (var committee in new[] { Committee.Oeu, Committee.Tmu, Committee.Buu, Committee.Sud, Committee.Kfu })
            {
                var plan = await a.CreatePlan(committee);
                await a.Take(Users.Secretary(committee), plan.Id, "submit");
                plans.Add(plan.Id);
            }

            // Both instances sweep together at each step: reminders at 30 and 10 minutes before, the escalation after.
            foreach (var minutes in new[] { 31, 20, 30 })
            {
                clock.Advance(TimeSpan.FromMinutes(minutes));
                await Task.WhenAll(a.Sweep(), b.Sweep(), a.Sweep(), b.Sweep());
            }

            foreach (var plan in plans)
            {
                await a.Inbox(plan, Overdue, 1);
                await a.Delivered(plan);
                Assert.Equal(2, (await a.InboxNow(plan, Reminder)).Count);
                Assert.Single(await a.InboxNow(plan, Overdue));
            }

            var events = await a.WithDb(db => db.Outbox.AsNoTracking().Where(m => plans.Contains(m.PlanId) && m.Type.Contains("Deadline") || plans.Contains(m.PlanId) && m.Type.Contains("Overdue")).CountAsync());
            Assert.Equal(plans.Count * 3, events);
        }
        finally
        {
            await database.Inner.Drop();
        }
    }
}

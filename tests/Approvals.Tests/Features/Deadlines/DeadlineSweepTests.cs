using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Review;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Deadlines;

/// <summary>Reminders and escalations on a clock the test moves: each once, to the right people, none after the plan moved on.</summary>
[Collection(DeadlineCollection.Name)]
public sealed class DeadlineSweepTests(DeadlineApp app)
{
    private const string Reminder = "PlanDeadlineApproaching";
    private const string Overdue = "PlanOverdue";

    [Fact]
    public async Task Entering_a_stage_fixes_its_due_time_on_the_plan_and_the_actions_say_when_it_is_overdue()
    {
        var plan = await app.CreatePlan(Committee.Kfu);
        var submittedAt = app.Clock.GetUtcNow().UtcDateTime;
        await app.Take(Users.Secretary(Committee.Kfu), plan.Id, "submit");

        var stored = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == plan.Id));
        Assert.Equal(submittedAt, stored.StageEnteredUtc, TimeSpan.FromMilliseconds(1));
        Assert.Equal(submittedAt.AddHours(1), stored.DueUtc!.Value, TimeSpan.FromMilliseconds(1));

        var reviewer = await app.ClientFor(Users.AdministrativeReviewer);
        var actions = await reviewer.GetFromJsonAsync<PlanActionsResponse>($"/api/plans/{plan.Id}/actions");
        Assert.Equal(stored.DueUtc, actions!.Stage.DueUtc);
        Assert.False(actions.Stage.Overdue);

        app.Advance(TimeSpan.FromMinutes(61));
        actions = await reviewer.GetFromJsonAsync<PlanActionsResponse>($"/api/plans/{plan.Id}/actions");
        Assert.True(actions!.Stage.Overdue);
        Assert.Equal(stored.DueUtc, actions.Stage.DueUtc);

        // Back in draft there is no due time.
        await app.Take(Users.AdministrativeReviewer, plan.Id, "return", "Ret mål 1");
        actions = await reviewer.GetFromJsonAsync<PlanActionsResponse>($"/api/plans/{plan.Id}/actions");
        Assert.Null(actions!.Stage.DueUtc);
        Assert.False(actions.Stage.Overdue);
    }

    [Fact]
    public async Task The_plan_page_says_overskredet_beside_a_due_time_that_has_passed()
    {
        var plan = await app.CreatePlan(Committee.Oeu);
        await app.Take(Users.Secretary(Committee.Oeu), plan.Id, "submit");
        var page = await PageClient.SignIn(app, Users.AdministrativeReviewer);

        Assert.DoesNotContain("overskredet", await page.Html($"/planer/{plan.Id}"), StringComparison.Ordinal);
        app.Advance(TimeSpan.FromMinutes(61));
        var html = await page.Html($"/planer/{plan.Id}");
        Assert.Contains("<strong class=\"overdue\" data-overdue=\"true\">overskredet</strong>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_reminder_and_the_escalation_arrive_exactly_once_to_those_who_act_and_the_coordinators()
    {
        var plan = await app.CreatePlan(Committee.Sud);
        await app.Take(Users.Secretary(Committee.Sud), plan.Id, "submit");

        // Nothing is due yet.
        await app.Sweep();
        Assert.Empty(await app.NoticesOf(plan.Id));

        // 30 minutes before the due time: the first reminder, to the administrative reviewer who may act now.
        app.Advance(TimeSpan.FromMinutes(31));
        await app.Sweep();
        await app.Sweep();
        var reminders = await app.Inbox(plan.Id, Reminder, 1);
        var dueDate = Web.Features.Notifications.DanishTime.Date(app.Clock.GetUtcNow().UtcDateTime.AddMinutes(29));
        Assert.Equal([$"{Users.AdministrativeReviewer}: Påmindelse: frist for handleplan {dueDate}: {plan.Title}"], reminders);

        // 10 minutes before: the second reminder; sweeping again and again sends nothing more.
        app.Advance(TimeSpan.FromMinutes(20));
        await Task.WhenAll(app.Sweep(), app.Sweep(), app.Sweep());
        await app.Sweep();
        await app.Inbox(plan.Id, Reminder, 2);

        // Due (61 minutes), but the escalation waits 15 minutes after the due time.
        app.Advance(TimeSpan.FromMinutes(10));
        await app.Sweep();
        Assert.Equal(2, (await app.NoticesOf(plan.Id)).Count);
        app.Advance(TimeSpan.FromMinutes(13));
        await app.Sweep();
        Assert.Equal(2, (await app.NoticesOf(plan.Id)).Count);

        app.Advance(TimeSpan.FromMinutes(2));
        await app.Sweep();
        var escalations = await app.Inbox(plan.Id, Overdue, 1);
        Assert.Equal([$"{Users.Coordinator}: Frist overskredet: {plan.Title}"], escalations);

        // Hours later, many sweeps: still two reminders and one escalation.
        app.Advance(TimeSpan.FromHours(3));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => app.Sweep()));
        await app.Delivered(plan.Id);
        Assert.Equal(["Escalation:900", "Reminder:1800", "Reminder:600"],
            (await app.NoticesOf(plan.Id)).Select(n => $"{n.Kind}:{n.OffsetSeconds}").Order(StringComparer.Ordinal).ToList());
        Assert.Equal(2, (await app.InboxNow(plan.Id, Reminder)).Count);
        Assert.Single(await app.InboxNow(plan.Id, Overdue));
    }

    [Fact]
    public async Task A_plan_that_moved_on_gets_no_more_reminders_of_the_stage_it_left()
    {
        var plan = await app.CreatePlan(Committee.Tmu);
        await app.Take(Users.Secretary(Committee.Tmu), plan.Id, "submit");
        app.Advance(TimeSpan.FromMinutes(31));
        await app.Sweep();
        await app.Inbox(plan.Id, Reminder, 1);

        // Approved before the second reminder: the committee stage (due in two hours, nothing to remind) takes over.
        await app.Take(Users.AdministrativeReviewer, plan.Id, "approve");
        app.Advance(TimeSpan.FromMinutes(50));
        await app.Sweep();
        await app.Delivered(plan.Id);
        Assert.Single(await app.InboxNow(plan.Id, Reminder));
        Assert.Empty(await app.InboxNow(plan.Id, Overdue));
        Assert.Single(await app.NoticesOf(plan.Id));
        var stored = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == plan.Id));
        Assert.Null(stored.NextDeadlineUtc);
    }

    [Fact]
    public async Task A_plan_returned_and_submitted_again_is_reminded_again_for_its_new_stage_entry()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        app.Advance(TimeSpan.FromMinutes(31));
        await app.Sweep();
        await app.Inbox(plan.Id, Reminder, 1);

        await app.Take(Users.AdministrativeReviewer, plan.Id, "return", "Mål 1 mangler en dato");
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        app.Advance(TimeSpan.FromMinutes(31));
        await app.Sweep();
        await app.Inbox(plan.Id, Reminder, 2);
        var notices = await app.NoticesOf(plan.Id);
        Assert.Equal(2, notices.Select(n => n.StageEntry).Distinct().Count());
    }
}

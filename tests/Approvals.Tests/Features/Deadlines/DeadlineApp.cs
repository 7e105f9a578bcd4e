using System.Text.Json.Nodes;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Features.Workflow;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Deadlines;
using Approvals.Web.Features.Plans;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Approvals.Tests.Features.Deadlines;

/// <summary>
/// A clock the test moves (<see cref="FakeTimeProvider.Advance"/>) whose timers still run in real time, so the app's
/// background workers (the outbox dispatcher's short pauses) keep working while the date is whatever the test says.
/// </summary>
public sealed class TestClock() : FakeTimeProvider(DateTimeOffset.UtcNow)
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, dueTime, period);
}

/// <summary>
/// The app on a workflow whose administrative review is due an hour after it is entered, with reminders 30 and 10
/// minutes before and an escalation to coordinators 15 minutes after; its committee approval is due after two hours
/// without reminders. Time is a <see cref="TestClock"/>; the sweep's own loop runs once a day, so the test sweeps.
/// </summary>
public class DeadlineApp : ApprovalsApp
{
    private readonly DefinitionFolder _workflows = new();
    private readonly Dictionary<string, string?> _settings;

    public DeadlineApp()
        : this(TestDatabase.Create(Path.Combine(Path.GetTempPath(), "approvals-tests", Guid.NewGuid().ToString("N"))), new TestClock())
    {
    }

    protected DeadlineApp(TestDatabase database, TestClock clock, JsonObject? definition = null, IDictionary<string, string?>? settings = null)
        : base(database)
    {
        Clock = clock;
        _workflows.Write("committee-plan.json", definition ?? Definition());
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Workflows:Path"] = _workflows.Path,
        };
        _settings.TryAdd("Deadlines:SweepInterval", "1.00:00:00");
    }

    /// <summary>Another instance (or the next start) of the app on <paramref name="database"/>, with its own clock.</summary>
    public static DeadlineApp On(TestDatabase database, TestClock clock, JsonObject? definition = null, IDictionary<string, string?>? settings = null) =>
        new(database, clock, definition, settings);

    public TestClock Clock { get; }

    protected override IDictionary<string, string?> Settings => _settings;

    /// <summary>False: the app keeps the system clock (the real-time test), and <see cref="Clock"/> is not its clock.</summary>
    protected virtual bool UsesTestClock => true;

    /// <summary>The shipped definition with the due times described on the class.</summary>
    public static JsonObject Definition(
        string due = "PT1H", string[]? remindBefore = null, string escalateAfter = "PT15M")
    {
        var definition = DefinitionFolder.Shipped();
        foreach (var stage in definition["stages"]!.AsArray().Select(s => s!.AsObject()))
        {
            foreach (var key in new[] { "due", "dueDays", "dueWorkingDays", "remindBefore", "escalateAfter", "escalateTo" })
            {
                stage.Remove(key);
            }

            switch (stage["id"]!.GetValue<string>())
            {
                case Stages.AdministrativeReview:
                    stage["due"] = due;
                    stage["remindBefore"] = new JsonArray([.. (remindBefore ?? ["PT30M", "PT10M"]).Select(r => (JsonNode)r)]);
                    stage["escalateAfter"] = escalateAfter;
                    stage["escalateTo"] = new JsonArray("Coordinator");
                    break;
                case Stages.CommitteeApproval:
                    stage["due"] = "PT2H";
                    break;
            }
        }

        return definition;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (UsesTestClock)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _workflows.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Moves the app's clock on; the next requests sign in afresh, as bearer tokens last eight hours.</summary>
    public void Advance(TimeSpan by)
    {
        Clock.Advance(by);
        ForgetTokens();
    }

    public Task<int> Sweep() => Services.GetRequiredService<DeadlineSweep>().RunOnceAsync(CancellationToken.None);

    public async Task<PlanResponse> CreatePlan(Committee committee)
    {
        var client = await ClientFor(Users.Secretary(committee));
        return await (await client.PostAsJsonAsync("/api/plans", ReviewApp.CleanPlan(committee.Code))).ReadOk<PlanResponse>();
    }

    /// <summary>Takes the action as <paramref name="email"/> on the plan's current version and expects success.</summary>
    public async Task Take(string email, Guid planId, string action, string? comment = null)
    {
        var reader = await ClientFor(Users.Coordinator);
        var current = await reader.GetAsync($"/api/plans/{planId}");
        current.EnsureSuccessStatusCode();
        var response = await ReviewApp.Act(await ClientFor(email), planId, action, current.Headers.ETag!.ToString(), comment);
        await response.ReadOk<object>();
    }

    public Task<List<DeadlineNotice>> NoticesOf(Guid planId) =>
        WithDb(db => db.DeadlineNotices.AsNoTracking().Where(n => n.PlanId == planId).OrderBy(n => n.Id).ToListAsync());

    /// <summary>The plan's inbox entries of a kind, as "recipient e-mail: subject", waiting until at least <paramref name="count"/> are stored.</summary>
    public Task<List<string>> Inbox(Guid planId, string kind, int count) => Eventually.Get(
        () => InboxNow(planId, kind)!,
        entries => entries?.Count >= count,
        TimeSpan.FromSeconds(30),
        $"{count} {kind} notification(s) of plan {planId}");

    public Task<List<string>> InboxNow(Guid planId, string kind) => WithDb(async db =>
        (await (from n in db.Notifications
                join u in db.Users on n.RecipientId equals u.Id
                where n.PlanId == planId && n.Kind == kind
                select u.Email + ": " + n.Subject).ToListAsync())
        .Order(StringComparer.Ordinal)
        .ToList());

    /// <summary>Waits until every outbox row of the plan is sent (delivered into the inbox), so "nothing more" can be asserted.</summary>
    public Task Delivered(Guid planId) => Eventually.True(
        () => WithDb(db => db.Outbox.AllAsync(m => m.PlanId != planId || m.SentUtc != null)),
        TimeSpan.FromSeconds(30),
        $"every event of plan {planId} delivered");
}

[CollectionDefinition(Name)]
public sealed class DeadlineCollection : ICollectionFixture<DeadlineApp>
{
    public const string Name = "deadlines";
}

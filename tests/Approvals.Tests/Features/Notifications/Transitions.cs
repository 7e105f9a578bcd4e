using System.Collections.Concurrent;
using Approvals.Core.Accounts;
using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using MassTransit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.Notifications;

public enum Move
{
    Submit,
    Approve,
    Return,
    Adopt,
}

/// <summary>
/// Writes what a workflow transition writes: the plan's stage change and its event in the outbox, in one
/// SaveChanges (so one transaction). Everything after the row exists is the code under test.
/// </summary>
internal static class Transitions
{
    private static readonly Dictionary<string, string[]> ActingRoles = new()
    {
        [Stages.Draft] = [Roles.Secretary],
        [Stages.AdministrativeReview] = [Roles.AdministrativeReviewer],
        [Stages.CommitteeApproval] = [Roles.CommitteeApprover],
        [Stages.CouncilApproval] = [Roles.CouncilApprover],
        [Stages.Adopted] = [],
    };

    public static async Task<IPlanEvent> Commit(
        ApprovalsDbContext db, Guid planId, Move move, string actorId, string? comment = null, bool explicitTransaction = false,
        Action<OutboxMessage>? adjustRow = null)
    {
        var plan = await db.Plans.SingleAsync(p => p.Id == planId);
        var now = DateTime.UtcNow;
        var to = move switch
        {
            Move.Submit => Stages.AdministrativeReview,
            Move.Approve => Stages.All[Stages.All.ToList().IndexOf(plan.Stage) + 1],
            Move.Return => Stages.Draft,
            _ => Stages.Adopted,
        };
        var id = Guid.NewGuid();
        var roles = ActingRoles[to];
        IPlanEvent planEvent = move switch
        {
            Move.Submit => new PlanSubmitted(id, plan.Id, plan.CommitteeCode, plan.Title, plan.Revision, plan.Stage, to, actorId, now, roles),
            Move.Approve => new PlanApproved(id, plan.Id, plan.CommitteeCode, plan.Title, plan.Revision, plan.Stage, to, actorId, now, roles),
            Move.Return => new PlanReturned(id, plan.Id, plan.CommitteeCode, plan.Title, plan.Revision, plan.Stage, to, actorId, now, roles, comment ?? ""),
            _ => new PlanAdopted(id, plan.Id, plan.CommitteeCode, plan.Title, plan.Revision, plan.Stage, to, actorId, now, roles),
        };

        await using var transaction = explicitTransaction ? await db.Database.BeginTransactionAsync() : null;
        plan.MoveTo(to, now);
        if (move == Move.Return)
        {
            plan.OpenNextRevision();
        }

        var row = db.Enqueue(planEvent);
        adjustRow?.Invoke(row);
        await db.SaveChangesAsync();
        if (transaction is not null)
        {
            await transaction.CommitAsync();
        }

        return planEvent;
    }

    public static Task<IPlanEvent> Commit(ApprovalsApp app, Guid planId, Move move, string actorId, string? comment = null, bool explicitTransaction = false) =>
        app.WithDb(db => Commit(db, planId, move, actorId, comment, explicitTransaction));

    /// <summary>A new draft of <paramref name="committee"/>, owned by its demo secretary, in <paramref name="stage"/>.</summary>
    public static Task<Guid> NewPlan(ApprovalsApp app, Committee committee, string stage = Stages.Draft, string? title = null) =>
        app.WithDb(db => NewPlan(db, committee, stage, title));

    public static async Task<Guid> NewPlan(ApprovalsDbContext db, Committee committee, string stage = Stages.Draft, string? title = null)
    {
        var owner = await UserId(db, Users.Secretary(committee));
        var now = DateTime.UtcNow;
        var plan = Plan.Start(committee, title ?? $"Testplan {Guid.NewGuid():N}"[..18], owner, PlanContent.Empty,
            "committee-plan", 1, Stages.Draft, now);
        plan.MoveTo(stage, now);
        db.Plans.Add(plan);
        await db.SaveChangesAsync();
        return plan.Id;
    }

    public static Task<string> UserId(ApprovalsApp app, string email) => app.WithDb(db => UserId(db, email));

    public static async Task<string> UserId(ApprovalsDbContext db, string email) =>
        await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleOrDefaultAsync()
        ?? throw new InvalidOperationException($"No user {email}.");

    /// <summary>The e-mail addresses of the recipients of <paramref name="eventId"/>'s inbox entries, one per entry.</summary>
    public static Task<List<string>> RecipientsOf(ApprovalsApp app, Guid eventId) => app.WithDb(db => RecipientsOf(db, eventId));

    public static async Task<List<string>> RecipientsOf(ApprovalsDbContext db, Guid eventId) =>
        (await (from n in db.Notifications
                join u in db.Users on n.RecipientId equals u.Id
                where n.EventId == eventId
                select u.Email!).ToListAsync())
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>E-mail addresses in the order <see cref="RecipientsOf(ApprovalsDbContext, Guid)"/> lists them.</summary>
    public static List<string> Set(params string[] emails) => emails.Order(StringComparer.Ordinal).ToList();

    /// <summary>Waits until <paramref name="eventId"/> has <paramref name="count"/> inbox entries.</summary>
    public static Task<List<string>> AwaitRecipients(ApprovalsApp app, Guid eventId, int count, TimeSpan? timeout = null) =>
        Eventually.Get(() => RecipientsOf(app, eventId)!, r => r?.Count >= count, timeout ?? TimeSpan.FromSeconds(30),
            $"{count} inbox entries for event {eventId}");

    /// <summary>Adds a second secretary to <paramref name="committee"/> (a committee may have several).</summary>
    public static async Task<string> AddSecretary(ApprovalsApp app, Committee committee, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        if (await users.FindByEmailAsync(email) is { } existing)
        {
            return existing.Id;
        }

        var user = new AppUser { UserName = email, Email = email, DisplayName = $"Anden sekretær, {committee.Name}", CommitteeCode = committee.Code };
        Assert.True((await users.CreateAsync(user)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Secretary)).Succeeded);
        return user.Id;
    }

    /// <summary>Publishes <paramref name="planEvent"/> straight on the bus, as a broker redelivery would hand it over again.</summary>
    public static Task PublishDirectly(ApprovalsApp app, IPlanEvent planEvent) =>
        app.Services.GetRequiredService<IBus>().Publish(planEvent, planEvent.GetType(),
            Pipe.Execute<PublishContext>(c => c.MessageId = planEvent.EventId));
}

/// <summary>Counts consumed messages by MessageId, so a test knows a delivery has been handled.</summary>
internal sealed class ConsumeCounter : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, int> _handled = new();

    public int Handled(Guid messageId) => _handled.GetValueOrDefault(messageId);

    public static ConsumeCounter AttachTo(ApprovalsApp app)
    {
        var counter = new ConsumeCounter();
        app.Services.GetRequiredService<IBus>().ConnectConsumeObserver(counter);
        return counter;
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.MessageId is { } id)
        {
            _handled.AddOrUpdate(id, 1, (_, n) => n + 1);
        }

        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}

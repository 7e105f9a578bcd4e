using System.Security.Claims;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Approvals.Web.Features.Operations;

public sealed record OperationsResponse(
    OutboxStatus Outbox, EmailStatus Emails, DispatcherStatus Dispatcher, BusStatus Bus, IReadOnlyList<OperatorActionResponse> Journal);

/// <summary>Events not published yet: how many wait, how many have failed, and the failed ones (oldest first, at most <see cref="DeliveryOverview.MaxListed"/>).</summary>
public sealed record OutboxStatus(int Waiting, int Failing, DateTime? OldestWaitingUtc, IReadOnlyList<FailedEvent> Failed);

public sealed record FailedEvent(Guid MessageId, Guid PlanId, string Type, DateTime CreatedUtc, int Attempts, DateTime NextAttemptUtc, string LastError);

/// <summary>Notification e-mails that failed: still being retried, or given up (the entry stays in the inbox).</summary>
public sealed record EmailStatus(bool Enabled, int Waiting, int Retrying, int GivenUp, IReadOnlyList<FailedEmail> Failed);

public sealed record FailedEmail(
    Guid Id, Guid PlanId, string Recipient, string Subject, DateTime CreatedUtc, int Attempts, DateTime? NextAttemptUtc, bool GivenUp, string LastError);

/// <summary>This instance's outbox dispatcher: when it last read the outbox, and when it last published.</summary>
public sealed record DispatcherStatus(DateTime? LastPassUtc, DateTime? LastPublishedUtc);

/// <summary>MassTransit's own health check of the bus: Healthy, Degraded or Unhealthy, with its description.</summary>
public sealed record BusStatus(string Status, string? Description);

public sealed record OperatorActionResponse(DateTime AtUtc, string ActorName, string Action, string Target, string? Detail);

public enum RetryStatus
{
    Retried,
    NotFound,
    NotFailed,
    MailOff,
}

/// <summary>
/// What did not go through, for the operations page and <c>GET /api/operations</c>, and retrying it now. A retry
/// only moves the row's next attempt to now and wakes the worker: the dispatcher or the mailer then sends it by its
/// usual claim, so two instances never send it twice. Each retry is journaled (<see cref="OperatorAction"/>).
/// </summary>
public sealed class DeliveryOverview(
    ApprovalsDbContext db,
    DeliveryHeartbeat heartbeat,
    HealthCheckService health,
    OutboxSignal outboxSignal,
    MailSignal mailSignal,
    IOptions<SmtpOptions> smtp,
    TimeProvider clock)
{
    /// <summary>Failed events and e-mails listed at most; the counts cover all of them.</summary>
    public const int MaxListed = 100;

    public const int JournalShown = 20;

    public const string RetryEvent = "retry-event";

    public const string RetryEmail = "retry-email";

    public async Task<OperationsResponse> ReadAsync(CancellationToken ct)
    {
        var waiting = await db.Outbox.CountAsync(m => m.SentUtc == null, ct);
        var failing = await db.Outbox.CountAsync(m => m.SentUtc == null && m.LastError != null, ct);
        var oldest = await db.Outbox.Where(m => m.SentUtc == null).OrderBy(m => m.Id).Select(m => (DateTime?)m.CreatedUtc).FirstOrDefaultAsync(ct);
        var failedEvents = await db.Outbox.AsNoTracking()
            .Where(m => m.SentUtc == null && m.LastError != null)
            .OrderBy(m => m.Id)
            .Take(MaxListed)
            .Select(m => new FailedEvent(m.MessageId, m.PlanId, m.Type, m.CreatedUtc, m.Attempts, m.NextAttemptUtc, m.LastError!))
            .ToListAsync(ct);

        var unsent = db.Notifications.Where(n => n.EmailedUtc == null);
        var emailsWaiting = await unsent.CountAsync(n => n.NextEmailAttemptUtc != null, ct);
        var retrying = await unsent.CountAsync(n => n.NextEmailAttemptUtc != null && n.EmailLastError != null, ct);
        var givenUp = await unsent.CountAsync(n => n.NextEmailAttemptUtc == null && n.EmailLastError != null, ct);
        var failedEmails = await (
                from n in unsent.Where(n => n.EmailLastError != null)
                join u in db.Users on n.RecipientId equals u.Id into recipients
                from u in recipients.DefaultIfEmpty()
                orderby n.CreatedUtc, n.Id
                select new { n.Id, n.PlanId, Email = u == null ? null : u.Email, n.Subject, n.CreatedUtc, n.EmailAttempts, n.NextEmailAttemptUtc, n.EmailLastError })
            .Take(MaxListed)
            .ToListAsync(ct);

        var bus = await health.CheckHealthAsync(c => c.Tags.Contains("masstransit"), ct);
        var busEntry = bus.Entries.Values.FirstOrDefault();

        var journal = await db.OperatorActions.AsNoTracking()
            .OrderByDescending(a => a.Id)
            .Take(JournalShown)
            .Select(a => new OperatorActionResponse(a.AtUtc, a.ActorName, a.Action, a.Target, a.Detail))
            .ToListAsync(ct);

        return new OperationsResponse(
            new OutboxStatus(waiting, failing, oldest, failedEvents),
            new EmailStatus(smtp.Value.Enabled, emailsWaiting, retrying, givenUp, failedEmails
                .Select(e => new FailedEmail(e.Id, e.PlanId, e.Email ?? "", e.Subject, e.CreatedUtc, e.EmailAttempts, e.NextEmailAttemptUtc,
                    e.NextEmailAttemptUtc is null, e.EmailLastError!))
                .ToList()),
            new DispatcherStatus(heartbeat.LastOutboxPassUtc, heartbeat.LastPublishedUtc),
            new BusStatus(bus.Entries.Count == 0 ? "Unknown" : bus.Status.ToString(), busEntry.Description),
            journal);
    }

    /// <summary>Publishes a failed event at the dispatcher's next pass, which starts now.</summary>
    public async Task<(RetryStatus Status, string? Detail)> RetryEventAsync(Guid messageId, ClaimsPrincipal actor, CancellationToken ct)
    {
        var row = await db.Outbox.AsNoTracking().Where(m => m.MessageId == messageId)
            .Select(m => new { m.Id, m.SentUtc, m.LastError, m.Attempts })
            .SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return (RetryStatus.NotFound, $"There is no event {messageId} in the outbox.");
        }

        if (row.SentUtc is { } sent)
        {
            return (RetryStatus.NotFailed, $"The event was published at {sent:u}: there is nothing to retry.");
        }

        if (row.LastError is null)
        {
            return (RetryStatus.NotFailed, "The event has not failed: it is waiting for its turn, and the dispatcher publishes it without a retry.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Only while no dispatcher holds the row (its lease decides), and no new failure came in since it was read.
        var moved = await db.Outbox
            .Where(m => m.Id == row.Id && m.SentUtc == null && m.Attempts == row.Attempts && (m.ClaimToken == null || m.LeaseUntilUtc < now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptUtc, now), ct);
        if (moved == 0)
        {
            return (RetryStatus.NotFailed, "A dispatcher is publishing the event right now: look again in a moment.");
        }

        Journal(actor, RetryEvent, messageId.ToString(), row.LastError, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        outboxSignal.Wake();
        return (RetryStatus.Retried, null);
    }

    /// <summary>Sends a failed or given-up e-mail at the mailer's next pass, which starts now (one more attempt for a given-up one).</summary>
    public async Task<(RetryStatus Status, string? Detail)> RetryEmailAsync(Guid notificationId, ClaimsPrincipal actor, CancellationToken ct)
    {
        if (!smtp.Value.Enabled)
        {
            return (RetryStatus.MailOff, "E-mail is not configured (Smtp:Host is empty), so nothing can send it.");
        }

        var row = await db.Notifications.AsNoTracking().Where(n => n.Id == notificationId)
            .Select(n => new { n.EmailedUtc, n.EmailLastError, n.EmailAttempts })
            .SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return (RetryStatus.NotFound, $"There is no notification {notificationId}.");
        }

        if (row.EmailedUtc is { } sent)
        {
            return (RetryStatus.NotFailed, $"The e-mail was sent at {sent:u}: there is nothing to retry.");
        }

        if (row.EmailLastError is null)
        {
            return (RetryStatus.NotFailed, "The e-mail has not failed: it is waiting for its turn, and the mailer sends it without a retry.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var moved = await db.Notifications
            .Where(n => n.Id == notificationId && n.EmailedUtc == null && n.EmailAttempts == row.EmailAttempts
                && (n.ClaimToken == null || n.LeaseUntilUtc < now))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.NextEmailAttemptUtc, now), ct);
        if (moved == 0)
        {
            return (RetryStatus.NotFailed, "The mailer is sending the e-mail right now: look again in a moment.");
        }

        Journal(actor, RetryEmail, notificationId.ToString(), row.EmailLastError, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        mailSignal.Wake();
        return (RetryStatus.Retried, null);
    }

    private void Journal(ClaimsPrincipal actor, string action, string target, string? detail, DateTime now) =>
        db.OperatorActions.Add(new OperatorAction
        {
            AtUtc = now,
            ActorId = actor.Id(),
            ActorName = Limit(actor.DisplayName(), OperatorAction.ActorNameMaxLength),
            Action = action,
            Target = target,
            Detail = detail is null ? null : Limit(detail, OperatorAction.DetailMaxLength),
        });

    private static string Limit(string text, int max) => text.Length <= max ? text : text[..max];
}

/// <summary>When this instance's outbox dispatcher last read the outbox and last published: a dispatcher that stopped shows here.</summary>
public sealed class DeliveryHeartbeat(TimeProvider clock)
{
    private long _lastPassTicks;
    private long _lastPublishedTicks;

    public DateTime? LastOutboxPassUtc => Read(ref _lastPassTicks);

    public DateTime? LastPublishedUtc => Read(ref _lastPublishedTicks);

    public void Pass() => Interlocked.Exchange(ref _lastPassTicks, clock.GetUtcNow().UtcDateTime.Ticks);

    public void Published() => Interlocked.Exchange(ref _lastPublishedTicks, clock.GetUtcNow().UtcDateTime.Ticks);

    private static DateTime? Read(ref long ticks) =>
        Interlocked.Read(ref ticks) is var value and > 0 ? new DateTime(value, DateTimeKind.Utc) : null;
}

using Approvals.Persistence;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Approvals.Web.Features.Notifications;

/// <summary>
/// E-mails inbox entries after they are stored, never inside the inbox transaction: a mail server that is
/// down delays the e-mail (retried with back-off) but never the inbox entry. Entries are claimed like outbox
/// rows, by a conditional update on <see cref="Notification.EmailAttempts"/>, so several instances can run it.
/// </summary>
internal sealed class NotificationMailer(
    IServiceScopeFactory scopes,
    MailSignal signal,
    IOptions<SmtpOptions> options,
    TimeProvider clock,
    ILogger<NotificationMailer> logger) : BackgroundService
{
    private const int BatchSize = 50;
    private const int MaxErrorLength = 2000;

    // Longer than any one send may take (MailKit's timeout below), so a claim is never taken over mid-send.
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private readonly SmtpOptions _smtp = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = false;
            try
            {
                sent = await SendDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The notification mailer failed; it tries again in {Interval}.", _smtp.PollInterval);
            }

            if (sent)
            {
                continue;
            }

            try
            {
                await signal.WaitAsync(_smtp.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends one batch of due e-mails; true when at least one went out.</summary>
    internal async Task<bool> SendDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;

        var due = await db.Notifications.AsNoTracking()
            .Where(n => n.NextEmailAttemptUtc != null && n.NextEmailAttemptUtc <= now && n.EmailedUtc == null)
            .OrderBy(n => n.NextEmailAttemptUtc)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return false;
        }

        var claimed = await ClaimAsync(db, due, now, cancellationToken);
        if (claimed.Count == 0)
        {
            return false;
        }

        var recipientIds = claimed.Select(n => n.RecipientId).Distinct().ToList();
        var addresses = await db.Users
            .Where(u => recipientIds.Contains(u.Id))
            .Select(u => new { u.Id, u.Email, u.DisplayName })
            .ToDictionaryAsync(u => u.Id, cancellationToken);

        using var client = new SmtpClient { Timeout = 30_000 };
        var delivered = 0;
        Exception? unreachable = null;
        foreach (var notification in claimed)
        {
            if (!addresses.TryGetValue(notification.RecipientId, out var recipient) || string.IsNullOrWhiteSpace(recipient.Email))
            {
                await GiveUpAsync(db, notification, "The recipient has no e-mail address.");
                continue;
            }

            if (unreachable is not null)
            {
                // The server did not answer for this batch: schedule the rest without knocking again.
                await RetryLaterAsync(db, notification, unreachable);
                continue;
            }

            try
            {
                if (!client.IsConnected)
                {
                    try
                    {
                        await ConnectAsync(client, cancellationToken);
                    }
                    catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                    {
                        unreachable = e;
                        throw;
                    }
                }

                var message = new MimeMessage();
                message.From.Add(MailboxAddress.Parse(_smtp.From));
                message.To.Add(new MailboxAddress(recipient.DisplayName, recipient.Email));
                message.Subject = notification.Subject;
                message.Body = new TextPart("plain")
                {
                    Text = notification.Body + "\n\n-- \nDenne e-mail er sendt automatisk af Approvals. Du finder også beskeden i din indbakke i Approvals.",
                };
                await client.SendAsync(message, cancellationToken);

                var sentUtc = clock.GetUtcNow().UtcDateTime;
                await db.Notifications
                    .Where(n => n.Id == notification.Id)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(n => n.EmailedUtc, sentUtc)
                        .SetProperty(n => n.NextEmailAttemptUtc, (DateTime?)null)
                        .SetProperty(n => n.EmailLastError, (string?)null), CancellationToken.None);
                delivered++;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                await RetryLaterAsync(db, notification, e);
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(quit: false, CancellationToken.None);
                }
            }
        }

        if (client.IsConnected)
        {
            await client.DisconnectAsync(quit: true, CancellationToken.None);
        }

        return delivered > 0;
    }

    private async Task<List<Notification>> ClaimAsync(ApprovalsDbContext db, List<Notification> due, DateTime now, CancellationToken cancellationToken)
    {
        var leaseUntil = now + Lease;
        var claimed = new List<Notification>(due.Count);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var notification in due)
        {
            var attempts = notification.EmailAttempts;
            var won = await db.Notifications
                .Where(n => n.Id == notification.Id && n.EmailedUtc == null && n.EmailAttempts == attempts && n.NextEmailAttemptUtc <= now)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(n => n.EmailAttempts, attempts + 1)
                    .SetProperty(n => n.NextEmailAttemptUtc, leaseUntil), cancellationToken);
            if (won == 1)
            {
                notification.EmailAttempts = attempts + 1;
                claimed.Add(notification);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    private async Task ConnectAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        var security = _smtp.UseTls
            ? _smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls
            : SecureSocketOptions.StartTlsWhenAvailable;
        await client.ConnectAsync(_smtp.Host!, _smtp.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(_smtp.Username))
        {
            await client.AuthenticateAsync(_smtp.Username, _smtp.Password ?? "", cancellationToken);
        }
    }

    private async Task RetryLaterAsync(ApprovalsDbContext db, Notification notification, Exception error)
    {
        var message = Truncate($"{error.GetType().Name}: {error.Message}");
        Operations.ApprovalsTelemetry.EmailFailed(gaveUp: notification.EmailAttempts >= _smtp.MaxAttempts);
        if (notification.EmailAttempts >= _smtp.MaxAttempts)
        {
            logger.LogError("Giving up e-mailing notification {Id} after {Attempts} attempts; it stays in the inbox. {Error}",
                notification.Id, notification.EmailAttempts, message);
            await GiveUpAsync(db, notification, message);
            return;
        }

        var delay = Backoff.Delay(notification.EmailAttempts, _smtp.RetryBaseDelay, _smtp.RetryMaxDelay);
        var next = clock.GetUtcNow().UtcDateTime + delay;
        logger.LogWarning("E-mailing notification {Id} failed on attempt {Attempt}; retrying in {Delay}. {Error}",
            notification.Id, notification.EmailAttempts, delay, message);
        await db.Notifications
            .Where(n => n.Id == notification.Id && n.EmailedUtc == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(n => n.NextEmailAttemptUtc, next)
                .SetProperty(n => n.EmailLastError, message), CancellationToken.None);
    }

    private static Task GiveUpAsync(ApprovalsDbContext db, Notification notification, string reason) =>
        db.Notifications
            .Where(n => n.Id == notification.Id && n.EmailedUtc == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(n => n.NextEmailAttemptUtc, (DateTime?)null)
                .SetProperty(n => n.EmailLastError, reason), CancellationToken.None);

    private static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}

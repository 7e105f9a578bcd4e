using Approvals.Persistence;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Approvals.Web.Features.Notifications;

/// <summary>
/// E-mails inbox entries after they are stored, never inside the inbox transaction: a mail server that is
/// down delays the e-mail (retried with back-off) but never the inbox entry. Entries are claimed through
/// <see cref="RowLeases{TRow, TKey}"/>, so several instances can run it: an instance holds the entries of its
/// batch while it works through them (renewing their lease however slow the mail server is) and confirms each
/// one right before sending it, so no other instance sends it too.
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

    private readonly SmtpOptions _smtp = options.Value;

    private readonly RowLeases<Notification, Guid> _leases = new(scopes, options.Value.Lease, clock, logger, pending: n => n.EmailedUtc == null);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Sending notifications of committed events takes its turn to write ahead of new requests (see WriteGate).
        using var delivery = WriteGate.AsDelivery();
        try
        {
            await RunAsync(stoppingToken);
        }
        finally
        {
            // On a graceful stop, claimed e-mails not yet sent go back at once, not after their lease.
            await _leases.DisposeAsync();
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
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
            .Where(n => n.LeaseUntilUtc == null || n.LeaseUntilUtc <= now)
            .OrderBy(n => n.NextEmailAttemptUtc)
            .Take(BatchSize)
            .Select(n => n.Id)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return false;
        }

        await using var claim = await _leases.ClaimAsync(
            db, due, n => n.NextEmailAttemptUtc != null && n.NextEmailAttemptUtc <= now && n.EmailedUtc == null, cancellationToken);
        if (claim.Count == 0)
        {
            return false;
        }

        var claimedIds = claim.Keys;
        var claimed = await db.Notifications.AsNoTracking()
            .Where(n => EF.Parameter(claimedIds).Contains(n.Id))
            .OrderBy(n => n.NextEmailAttemptUtc)
            .ToListAsync(cancellationToken);
        var recipientIds = claimed.Select(n => n.RecipientId).Distinct().ToList();
        var addresses = await db.Users
            .Where(u => EF.Parameter(recipientIds).Contains(u.Id))
            .Select(u => new { u.Id, u.Email, u.DisplayName })
            .ToDictionaryAsync(u => u.Id, cancellationToken);

        using var client = new SmtpClient { Timeout = (int)_smtp.Timeout.TotalMilliseconds };
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

            // The batch may have taken long: make sure the entry is still this instance's, with a whole lease to
            // send it in. If another instance took it over (this one was cut off for longer than a lease), it is
            // that instance's to send.
            if (!await _leases.ConfirmAsync(db, notification.Id, cancellationToken))
            {
                logger.LogWarning("Notification {Id} was taken over by another instance before its e-mail was sent; it is left to that instance.", notification.Id);
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
                await _leases.ReleaseAsync(db, notification.Id, s => s
                    .SetProperty(n => n.EmailedUtc, sentUtc)
                    .SetProperty(n => n.NextEmailAttemptUtc, (DateTime?)null)
                    .SetProperty(n => n.EmailLastError, (string?)null), cancellationToken: CancellationToken.None);
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
        var attempt = notification.EmailAttempts + 1;
        Operations.ApprovalsTelemetry.EmailFailed(gaveUp: attempt >= _smtp.MaxAttempts);
        if (attempt >= _smtp.MaxAttempts)
        {
            logger.LogError("Giving up e-mailing notification {Id} after {Attempts} attempts; it stays in the inbox. {Error}",
                notification.Id, attempt, message);
            await GiveUpAsync(db, notification, message, attempt);
            return;
        }

        var delay = Backoff.Delay(attempt, _smtp.RetryBaseDelay, _smtp.RetryMaxDelay);
        var next = clock.GetUtcNow().UtcDateTime + delay;
        logger.LogWarning("E-mailing notification {Id} failed on attempt {Attempt}; retrying in {Delay}. {Error}",
            notification.Id, attempt, delay, message);
        await _leases.ReleaseAsync(db, notification.Id, s => s
            .SetProperty(n => n.EmailAttempts, attempt)
            .SetProperty(n => n.NextEmailAttemptUtc, next)
            .SetProperty(n => n.EmailLastError, message), cancellationToken: CancellationToken.None);
    }

    private Task GiveUpAsync(ApprovalsDbContext db, Notification notification, string reason, int? attempts = null) =>
        _leases.ReleaseAsync(db, notification.Id, s => s
            .SetProperty(n => n.EmailAttempts, attempts ?? notification.EmailAttempts)
            .SetProperty(n => n.NextEmailAttemptUtc, (DateTime?)null)
            .SetProperty(n => n.EmailLastError, reason), cancellationToken: CancellationToken.None);

    private static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}

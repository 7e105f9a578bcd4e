using System.Globalization;
using Approvals.Persistence;
using Approvals.Web.Features.Notifications;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Approvals.Web.Features.Accounts;

/// <summary>
/// E-mails an invitation link in Danish when SMTP is configured (the <c>Smtp</c> settings of notification mail).
/// Sent while the administrator waits, not queued: the link is stored only as a hash, so nothing could send it
/// later; when the mail fails the administrator still has the link on screen and can pass it on.
/// </summary>
public sealed class InvitationMailer(IOptions<SmtpOptions> options, ILogger<InvitationMailer> logger)
{
    private static readonly TimeZoneInfo Copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");
    private static readonly CultureInfo Danish = new("da-DK");

    public bool Enabled => options.Value.Enabled;

    /// <summary>True when the mail server took the mail; false when SMTP is not configured or the send failed (logged).</summary>
    public async Task<bool> SendAsync(AppUser user, IssuedInvitation invitation, bool firstInvitation, CancellationToken ct)
    {
        var smtp = options.Value;
        if (!smtp.Enabled || string.IsNullOrWhiteSpace(user.Email))
        {
            return false;
        }

        var expires = TimeZoneInfo.ConvertTimeFromUtc(invitation.ExpiresUtc, Copenhagen).ToString("d. MMMM yyyy 'kl.' HH.mm", Danish);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(new MailboxAddress(user.DisplayName, user.Email));
        message.Subject = firstInvitation ? "Din konto i Approvals er oprettet" : "Nyt link til at vælge adgangskode i Approvals";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Hej {user.DisplayName}

                {(firstInvitation
                    ? "Der er oprettet en konto til dig i Approvals, hvor udvalgenes handleplaner skrives og godkendes."
                    : "En administrator har sendt dig et nyt link til at vælge adgangskode i Approvals. Tidligere links virker ikke længere.")}

                Vælg din adgangskode her:
                {invitation.Url}

                Linket kan bruges én gang og udløber {expires}. Derefter logger du ind med din e-mailadresse ({user.Email}) og den adgangskode, du har valgt.

                Har du ikke ventet denne e-mail, kan du se bort fra den.

                -- 
                Denne e-mail er sendt automatisk af Approvals.
                """,
        };

        try
        {
            using var client = new SmtpClient { Timeout = 15_000 };
            var security = smtp.UseTls
                ? smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls
                : SecureSocketOptions.StartTlsWhenAvailable;
            await client.ConnectAsync(smtp.Host!, smtp.Port, security, ct);
            if (!string.IsNullOrEmpty(smtp.Username))
            {
                await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", ct);
            }

            await client.SendAsync(message, ct);
            await client.DisconnectAsync(quit: true, ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "The invitation e-mail to account {UserId} could not be sent; the administrator has the link to pass on.", user.Id);
            return false;
        }
    }
}

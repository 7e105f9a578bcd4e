using System.Net.Sockets;
using System.Text;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using netDumbster.smtp;

namespace Approvals.Tests.Features.Notifications;

/// <summary>E-mail through a real SMTP server (netDumbster on a free loopback port), sent by the app with MailKit.</summary>
public sealed class NotificationEmailTests
{
    private const string BaseUrl = "https://approvals.test";

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static SimpleSmtpServer StartSmtp(int port) =>
        Configuration.Configure().WithAddress(IPAddress.Loopback).WithPort(port).Build();

    private static Task<ConfiguredApp> StartApp(int smtpPort) => new ConfiguredApp(new Dictionary<string, string?>
    {
        ["App:BaseUrl"] = BaseUrl,
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = smtpPort.ToString(),
        ["Smtp:From"] = "Approvals <noreply@approvals.test>",
        ["Smtp:PollInterval"] = "00:00:00.1",
        ["Smtp:RetryBaseDelay"] = "00:00:00.2",
        ["Smtp:RetryMaxDelay"] = "00:00:00.5",
    }).StartAsync();

    private static MimeMessage Parse(SmtpMessage message) =>
        MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(message.Data)));

    private static async Task<MimeMessage> AwaitMail(SimpleSmtpServer smtp, string to) =>
        Parse(await Eventually.Get(
            () => Task.FromResult(smtp.Mails().FirstOrDefault(m => Parse(m).To.Mailboxes.Any(a => a.Address == to))),
            m => m is not null, TimeSpan.FromSeconds(60), $"an e-mail to {to}"));

    [Fact]
    public async Task A_notification_is_emailed_to_its_recipient_in_Danish()
    {
        var port = FreePort();
        using var smtp = StartSmtp(port);
        var app = await StartApp(port);
        try
        {
            var plan = await Transitions.NewPlan(app, Committee.Tmu, Stages.CommitteeApproval, "Klimaplan for Nørrebro");
            var approver = await Transitions.UserId(app, Users.CommitteeApprover(Committee.Tmu));

            var returned = await Transitions.Commit(app, plan, Move.Return, approver, "Tilføj en indikator for CO₂-udledning.");

            var mail = await AwaitMail(smtp, Users.Secretary(Committee.Tmu));
            Assert.Equal([Users.Secretary(Committee.Tmu)], mail.To.Mailboxes.Select(m => m.Address));
            Assert.Equal("noreply@approvals.test", mail.From.Mailboxes.Single().Address);
            Assert.Equal("Handleplan sendt tilbage: Klimaplan for Nørrebro", mail.Subject);
            var body = mail.TextBody;
            Assert.Contains("»Klimaplan for Nørrebro« fra Teknik- og Miljøudvalget tilbage fra fasen Udvalgsgodkendelse til fasen Kladde", body);
            Assert.Contains("Tilføj en indikator for CO₂-udledning.", body);
            Assert.Contains($"Åbn planen: {BaseUrl}/planer/{plan}", body);

            var owner = await Transitions.UserId(app, Users.Secretary(Committee.Tmu));
            await Eventually.True(
                () => app.WithDb(db => db.Notifications.AnyAsync(n => n.EventId == returned.EventId && n.RecipientId == owner && n.EmailedUtc != null)),
                TimeSpan.FromSeconds(30), "the inbox entry to be marked e-mailed");
            await Task.Delay(500);
            Assert.Single(smtp.Mails(), m => Parse(m).Subject == mail.Subject);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>
    /// Two instances on one PostgreSQL database share the e-mails to send, through a mail server that takes its time
    /// over every command: the batch an instance claims takes several times the mail lease to send, and still each
    /// e-mail goes out once (the instance renews its lease while it works, and confirms each e-mail before sending).
    /// </summary>
    [Fact]
    [Trait(TestTraits.Category, TestTraits.NoDatabase)] // PostgreSQL whatever the pass, so it runs once
    public async Task Two_instances_and_a_slow_mail_server_send_every_email_exactly_once()
    {
        const int Mails = 12;
        var port = FreePort();
        using var smtp = StartSmtp(port);
        await using var slow = new SlowRelay(port, TimeSpan.FromMilliseconds(150));
        var settings = new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = slow.Port.ToString(),
            ["Smtp:PollInterval"] = "00:00:00.1",
            ["Smtp:Lease"] = "00:00:03",
            ["Smtp:RetryBaseDelay"] = "00:00:00.2",
            ["Smtp:RetryMaxDelay"] = "00:00:00.5",
        };
        var database = TestDatabase.Postgres();
        await using var a = new ConfiguredApp(settings, database);
        await using var b = new ConfiguredApp(new Dictionary<string, string?>(settings), database);
        await Task.WhenAll(a.StartAsync(), b.StartAsync());

        // Due at once, for both instances' mailers to compete for.
        var recipients = await a.WithDb(db => db.Users.OrderBy(u => u.Email).Select(u => u.Id).Take(Mails).ToListAsync());
        await a.WithDb(db =>
        {
            var now = DateTime.UtcNow;
            db.Notifications.AddRange(recipients.Select((recipient, i) => new Approvals.Persistence.Notification
            {
                Id = Guid.CreateVersion7(),
                EventId = Guid.NewGuid(),
                RecipientId = recipient,
                PlanId = Guid.NewGuid(),
                Kind = "PlanSubmitted",
                Subject = $"Langsom post {i + 1:00}",
                Body = "Til behandling.",
                Link = BaseUrl,
                OccurredUtc = now,
                CreatedUtc = now,
                NextEmailAttemptUtc = now,
            }));
            return db.SaveChangesAsync();
        });

        await Eventually.True(
            async () => await a.WithDb(db => db.Notifications.CountAsync(n => n.Subject.StartsWith("Langsom post") && n.EmailedUtc != null)) == Mails,
            TimeSpan.FromSeconds(120), $"all {Mails} e-mails to be sent");
        await Task.Delay(TimeSpan.FromSeconds(2)); // a duplicate in flight lands by now

        var subjects = smtp.Mails().Select(m => Parse(m).Subject).Where(s => s?.StartsWith("Langsom post") == true).Order().ToList();
        Assert.Equal(Enumerable.Range(1, Mails).Select(i => $"Langsom post {i:00}"), subjects);
    }

    [Fact]
    public async Task A_failed_email_is_retried_and_the_inbox_entry_stays()
    {
        var port = FreePort();
        var app = await StartApp(port);
        try
        {
            // Nothing listens on the SMTP port yet: every send fails.
            var plan = await Transitions.NewPlan(app, Committee.Sud, Stages.AdministrativeReview, "Socialplan");
            var reviewer = await Transitions.UserId(app, Users.AdministrativeReviewer);
            var secretary = await Transitions.UserId(app, Users.Secretary(Committee.Sud));
            var approved = await Transitions.Commit(app, plan, Move.Approve, reviewer);

            var failing = await Eventually.Get(
                () => app.WithDb(db => db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.EventId == approved.EventId && n.RecipientId == secretary)),
                n => n is { EmailAttempts: >= 2, EmailLastError: not null }, TimeSpan.FromSeconds(60), "two failed e-mail attempts");
            Assert.Null(failing.EmailedUtc);
            var client = await app.ClientFor(Users.Secretary(Committee.Sud));
            var inbox = await (await client.GetAsync("/api/notifications")).ReadOk<NotificationList>();
            Assert.Contains(inbox.Items, i => i.Id == failing.Id && i.Subject == "Handleplan godkendt: Socialplan");

            using var smtp = StartSmtp(port);

            var mail = await AwaitMail(smtp, Users.Secretary(Committee.Sud));
            Assert.Equal("Handleplan godkendt: Socialplan", mail.Subject);
            var sent = await Eventually.Get(
                () => app.WithDb(db => db.Notifications.AsNoTracking().SingleAsync(n => n.Id == failing.Id))!,
                n => n?.EmailedUtc is not null, TimeSpan.FromSeconds(30), "the entry to be marked e-mailed");
            Assert.Null(sent.NextEmailAttemptUtc);
            Assert.Null(sent.ReadUtc);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}

using System.Net.Sockets;
using System.Text;
using Approvals.Tests.Infrastructure;
using MimeKit;
using netDumbster.smtp;
using static Approvals.Tests.Features.Administration.AccountSteps;

namespace Approvals.Tests.Features.Administration;

/// <summary>Invitations e-mailed in Danish through a real SMTP server (netDumbster on a loopback port), with the configured lifetime.</summary>
public sealed class InvitationEmailTests
{
    [Fact]
    public async Task With_SMTP_configured_the_link_is_emailed_in_Danish_and_lasts_the_configured_time()
    {
        var port = FreePort();
        using var smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithPort(port).Build();
        await using var app = await new ConfiguredApp(new Dictionary<string, string?>
        {
            ["App:BaseUrl"] = "https://handleplaner.kk.test",
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = port.ToString(),
            ["Smtp:From"] = "Approvals <noreply@kk.test>",
            ["Accounts:InvitationLifetime"] = "01:00:00",
        }).StartAsync();
        var admin = await app.ClientFor(Users.Administrator);
        var email = NewEmail("post");

        var created = await Create(admin, email, "Pia Postmand", ["Coordinator"]);

        Assert.True(created.InvitationEmailed);
        Assert.StartsWith("https://handleplaner.kk.test/adgangskode/ny?token=", created.InvitationUrl);
        Assert.InRange(created.InvitationExpiresUtc!.Value, DateTime.UtcNow.AddMinutes(55), DateTime.UtcNow.AddMinutes(65));
        await Eventually.True(() => Task.FromResult(smtp.Mails().Length == 1), TimeSpan.FromSeconds(30), "the invitation mail");
        var mail = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Assert.Single(smtp.Mails()).Data)));
        Assert.Equal([email], mail.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("Din konto i Approvals er oprettet", mail.Subject);
        Assert.Contains("Hej Pia Postmand", mail.TextBody);
        Assert.Contains(created.InvitationUrl!, mail.TextBody);
        Assert.Contains("Linket kan bruges én gang", mail.TextBody);

        var renewed = await (await admin.PostAsync($"/api/users/{created.Id}/invitation", null)).ReadOk<Web.Features.Administration.InvitationResponse>();
        Assert.True(renewed.InvitationEmailed);
        await Eventually.True(() => Task.FromResult(smtp.Mails().Length == 2), TimeSpan.FromSeconds(30), "the second mail");
        var second = smtp.Mails().Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data))))
            .Single(m => m.Subject == "Nyt link til at vælge adgangskode i Approvals");
        Assert.Contains(renewed.InvitationUrl!, second.TextBody);
        Assert.Contains("Tidligere links virker ikke længere", second.TextBody);
    }

    [Fact]
    public async Task A_mail_server_that_is_down_leaves_the_account_created_with_the_link_to_pass_on()
    {
        await using var app = await new ConfiguredApp(new Dictionary<string, string?> { ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = FreePort().ToString() }).StartAsync();
        var admin = await app.ClientFor(Users.Administrator);

        var created = await Create(admin, NewEmail(), "Ole Offline", ["Coordinator"]);

        Assert.False(created.InvitationEmailed);
        Assert.Equal(HttpStatusCode.NoContent, (await SetPassword(app, TokenOf(created.InvitationUrl!), NewPassword)).StatusCode);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

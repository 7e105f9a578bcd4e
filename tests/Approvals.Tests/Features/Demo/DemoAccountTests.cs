using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Administration;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Approvals.Tests.Features.Demo;

/// <summary>Demo accounts (whose password the README prints) go only into an empty database, and are warned about while they exist.</summary>
public sealed class DemoAccountTests
{
    [Fact]
    public async Task Demo_accounts_are_never_added_to_a_database_that_holds_an_account()
    {
        var database = new KeptDatabase(TestDatabase.Create(Folder()));
        try
        {
            await using (var real = new LoggedApp(database, demo: false))
            {
                _ = real.Server;
                var exit = await CreateAdminCommand.Parse(["create-admin", "--email", "it@kk.test", "--name", "IT-afdelingen"])!
                    .RunAsync(real.Services, new StringReader("Første-admin-kode-1"), TextWriter.Null, TextWriter.Null);
                Assert.Equal(CreateAdminCommand.Created, exit);
            }

            // Someone turns the demo on by mistake: the database already holds an account, so nothing is added.
            await using var mistaken = new LoggedApp(database, demo: true);
            _ = mistaken.Server;

            Assert.Equal(["it@kk.test"], await mistaken.WithDb(db => db.Users.Select(u => u.Email!).ToListAsync()));
            Assert.Equal(0, await mistaken.WithDb(db => db.Plans.CountAsync()));
            using var anonymous = mistaken.CreateClient();
            var demoLogin = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = Users.Administrator, password = DemoAccounts.Password });
            Assert.Equal(HttpStatusCode.Unauthorized, demoLogin.StatusCode);
            Assert.DoesNotContain(mistaken.Logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("demo account"));
        }
        finally
        {
            await database.Inner.Drop();
        }
    }

    [Fact]
    public async Task A_warning_is_logged_at_every_start_while_demo_accounts_exist()
    {
        var database = new KeptDatabase(TestDatabase.Create(Folder()));
        try
        {
            await using (var seeded = new LoggedApp(database, demo: true))
            {
                _ = seeded.Server;
                Assert.Equal(DemoAccounts.All.Count, await seeded.WithDb(db => db.Users.CountAsync()));
                Assert.Contains(seeded.Logs.Lines, IsDemoWarning);
            }

            await using var later = new LoggedApp(database, demo: false);
            _ = later.Server;
            var warning = Assert.Single(later.Logs.Lines, IsDemoWarning);
            Assert.Contains($"{DemoAccounts.All.Count} demo account(s)", warning.Message);
            Assert.Contains("create-admin", warning.Message);
        }
        finally
        {
            await database.Inner.Drop();
        }
    }

    private static bool IsDemoWarning(LogLine line) => line.Level == LogLevel.Warning && line.Message.Contains("demo account(s)");

    private static string Folder() => Path.Combine(Path.GetTempPath(), "approvals-tests", Guid.NewGuid().ToString("N"));

    private sealed class LoggedApp(TestDatabase database, bool demo) : ApprovalsApp(database)
    {
        public LogCapture Logs { get; } = new();

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Demo:Enabled"] = demo ? "true" : "false" };

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(l => l.AddProvider(Logs));
        }
    }
}

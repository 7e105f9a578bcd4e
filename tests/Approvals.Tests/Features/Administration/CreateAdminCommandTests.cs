using System.Diagnostics;
using System.Text.Json;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Administration;

namespace Approvals.Tests.Features.Administration;

/// <summary>
/// <c>dotnet Approvals.Web.dll create-admin</c> as an operator runs it: a process of its own on a database that has
/// never seen the app (the shipped migrations are applied), the password piped to its standard input.
/// </summary>
public sealed class CreateAdminCommandTests
{
    private const string Password = "Rådhuset-1599-kode";

    [Fact]
    public async Task Create_admin_migrates_a_new_database_and_makes_an_administrator_who_can_sign_in()
    {
        var database = new KeptDatabase(TestDatabase.Create(Path.Combine(Path.GetTempPath(), "approvals-tests", Guid.NewGuid().ToString("N"))));
        database.Prepare();
        try
        {
            var run = await Run(database, Password, "create-admin", "--email", "it-chef@kk.test", "--name", "Ida Iversen");

            Assert.True(run.Exit == CreateAdminCommand.Created, run.ToString());
            Assert.Contains("Applied", run.Output);
            Assert.Contains("Created the administrator it-chef@kk.test (Ida Iversen)", run.Output);
            Assert.DoesNotContain(Password, run.Output + run.Error);

            var again = await Run(database, Password, "create-admin", "--email", "IT-CHEF@kk.test");
            Assert.True(again.Exit == CreateAdminCommand.Refused, again.ToString());
            Assert.Contains("exists already", again.Error);

            var weak = await Run(database, "kort", "create-admin", "--email", "anden@kk.test");
            Assert.True(weak.Exit == CreateAdminCommand.Refused, weak.ToString());
            Assert.Contains("too weak", weak.Error);
            Assert.Contains("at least 12 characters", weak.Error);

            await using var app = new ConfiguredApp(new Dictionary<string, string?> { ["Demo:Enabled"] = "false", ["Database:Schema"] = "Migrate" }, database);
            await app.StartAsync();
            using var anonymous = app.CreateClient();
            var login = await (await anonymous.PostAsJsonAsync("/api/auth/login", new { email = "it-chef@kk.test", password = Password })).ReadOk<JsonElement>();
            using var admin = AccountSteps.WithToken(app, login.GetProperty("accessToken").GetString()!);
            var users = (await (await admin.GetAsync("/api/users")).ReadOk<UserPageResponse>()).Items;
            var created = Assert.Single(users);
            Assert.Equal(("it-chef@kk.test", "Ida Iversen", true), (created.Email, created.Name, created.Active));
            Assert.Equal(["Administrator"], created.Roles);
            var history = await (await admin.GetAsync($"/api/users/{created.Id}/history")).ReadOk<List<JsonElement>>();
            Assert.Equal("create-admin command", Assert.Single(history).GetProperty("actor").GetString());
        }
        finally
        {
            await database.Inner.Drop();
        }
    }

    [Fact]
    [Trait(TestTraits.Category, TestTraits.NoDatabase)]
    public async Task Create_admin_exits_non_zero_with_a_clear_message_when_the_database_cannot_be_reached()
    {
        var unreachable = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Approvals"] = "Host=127.0.0.1;Port=1;Database=approvals;Username=approvals;Password=x;Timeout=3",
        };

        var run = await Run(unreachable, Password, "create-admin", "--email", "it@kk.test");

        Assert.True(run.Exit == CreateAdminCommand.DatabaseUnreachable, run.ToString());
        Assert.Contains("Cannot reach the database (Postgres)", run.Error);
        Assert.DoesNotContain("Unhandled exception", run.Error);
    }

    [Theory]
    [Trait(TestTraits.Category, TestTraits.NoDatabase)]
    [InlineData(new[] { "create-admin" }, "--email is required")]
    [InlineData(new[] { "create-admin", "--email", "a@kk.test", "--password", "x" }, "never given as an argument")]
    [InlineData(new[] { "create-admin", "--email", "a@kk.test", "--role", "x" }, "'--role' is not an option")]
    public async Task Create_admin_explains_its_usage(string[] args, string message)
    {
        var run = await Run(new Dictionary<string, string>(), Password, args);

        Assert.True(run.Exit == CreateAdminCommand.Usage, run.ToString());
        Assert.Contains(message, run.Error);
        Assert.Contains("Usage: dotnet Approvals.Web.dll create-admin --email <address>", run.Error);
    }

    [Fact]
    [Trait(TestTraits.Category, TestTraits.NoDatabase)]
    public async Task Create_admin_refuses_an_empty_standard_input()
    {
        var run = await Run(new Dictionary<string, string> { ["ConnectionStrings__Approvals"] = "Data Source=/nonexistent/never.db" }, "", "create-admin", "--email", "a@kk.test");

        Assert.True(run.Exit == CreateAdminCommand.Usage, run.ToString());
        Assert.Contains("No password on standard input", run.Error);
    }

    private static Task<ProcessRun> Run(TestDatabase database, string stdin, params string[] args) =>
        Run(new Dictionary<string, string>
        {
            ["Database__Provider"] = database.Provider,
            ["ConnectionStrings__Approvals"] = database.ConnectionString,
        }, stdin, args);

    private static async Task<ProcessRun> Run(Dictionary<string, string> environment, string stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Approvals.Web.dll"));
        args.ToList().ForEach(start.ArgumentList.Add);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteLineAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return new ProcessRun(process.ExitCode, await output, await error);
    }

    private sealed record ProcessRun(int Exit, string Output, string Error)
    {
        public override string ToString() => $"exit {Exit}\nstdout: {Output}\nstderr: {Error}";
    }
}

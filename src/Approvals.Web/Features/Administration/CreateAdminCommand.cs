using System.Data.Common;
using System.Net.Sockets;
using Approvals.Core.Accounts;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Persistence;
using FluentValidation;

namespace Approvals.Web.Features.Administration;

/// <summary>
/// <c>dotnet Approvals.Web.dll create-admin --email &lt;address&gt; [--name "&lt;name&gt;"]</c>: creates an active
/// administrator on the configured database (migrating it first if needed), with a password read from standard
/// input — never from the arguments or the environment, where other users of the machine and logs could see it.
/// </summary>
public sealed class CreateAdminCommand
{
    public const string Name = "create-admin";

    public const int Created = 0;

    /// <summary>The address is taken, the password too weak, or the address not one.</summary>
    public const int Refused = 1;

    public const int Usage = 2;

    public const int DatabaseUnreachable = 3;

    private const string UsageText =
        "Usage: dotnet Approvals.Web.dll create-admin --email <address> [--name \"<name>\"]\n" +
        "The password is read from standard input (one line). The database is the one the app is configured with\n" +
        "(Database__Provider, ConnectionStrings__Approvals), and is migrated first if needed.";

    private readonly string? _email;
    private readonly string? _name;
    private readonly string? _error;

    private CreateAdminCommand(string? email, string? name, string? error)
    {
        _email = email;
        _name = name;
        _error = error;
    }

    /// <summary>The command when <paramref name="args"/> ask for it (its first argument is <c>create-admin</c>), else null.</summary>
    public static CreateAdminCommand? Parse(string[] args)
    {
        if (args.Length == 0 || args[0] != Name)
        {
            return null;
        }

        string? email = null, name = null;
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--email" when value is not null:
                    email = value;
                    i++;
                    break;
                case "--name" when value is not null:
                    name = value;
                    i++;
                    break;
                case "--password":
                    return new CreateAdminCommand(null, null, "The password is never given as an argument (other users of the machine could read it): type it when asked, or pipe it in.");
                default:
                    return new CreateAdminCommand(null, null, $"'{args[i]}' is not an option of {Name}{(value is null && args[i].StartsWith("--", StringComparison.Ordinal) ? " or lacks its value" : "")}.");
            }
        }

        return email is null
            ? new CreateAdminCommand(null, null, "--email is required.")
            : new CreateAdminCommand(email, name, null);
    }

    /// <summary>Only warnings and errors are logged while the command runs: its own lines are what the operator reads.</summary>
    public static void ConfigureHost(WebApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection([new("Logging:LogLevel:Default", "Warning")]);

    public async Task<int> RunAsync(IServiceProvider services, TextReader input, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        if (_error is not null)
        {
            await error.WriteLineAsync($"{_error}\n{UsageText}");
            return Usage;
        }

        var name = string.IsNullOrWhiteSpace(_name) ? "Administrator" : _name.Trim();
        var validation = await services.GetRequiredService<IValidator<NewUserInput>>()
            .ValidateAsync(new NewUserInput(_email, name, [Roles.Administrator], null), ct);
        if (!validation.IsValid)
        {
            await error.WriteLineAsync(string.Join("\n", validation.Errors.Select(e => e.ErrorMessage)));
            return Refused;
        }

        var password = ReadPassword(input, error);
        if (string.IsNullOrEmpty(password))
        {
            await error.WriteLineAsync($"No password on standard input. Type it when asked, or pipe it in: ... | dotnet Approvals.Web.dll {Name} --email {_email}");
            return Usage;
        }

        if (password.Length > PasswordLimits.MaxLength)
        {
            await error.WriteLineAsync($"The password is too long: at most {PasswordLimits.MaxLength} characters.");
            return Refused;
        }

        try
        {
            var migrated = await PrepareDatabaseAsync(services, ct);
            if (migrated > 0)
            {
                await output.WriteLineAsync($"Applied {migrated} migration(s) to the database.");
            }

            await using var scope = services.CreateAsyncScope();
            var accounts = scope.ServiceProvider.GetRequiredService<AccountAdministration>();
            var (outcome, weaknesses) = await accounts.CreateAdministratorAsync(_email!, name, password, ct);
            switch (outcome.Status)
            {
                case AccountStatus.Done:
                    var links = services.GetRequiredService<AccountLinks>();
                    await output.WriteLineAsync(
                        $"Created the administrator {outcome.User!.Email} ({outcome.User.Name}), account id {outcome.User.Id}. " +
                        $"Sign in at {links.Home}log-ind, then create the other accounts under {links.Home}admin/brugere.");
                    return Created;
                case AccountStatus.EmailTaken:
                    await error.WriteLineAsync($"{outcome.Message} Nothing was created.");
                    return Refused;
                default:
                    await error.WriteLineAsync($"The password is too weak: {string.Join(" ", weaknesses)} Nothing was created.");
                    return Refused;
            }
        }
        catch (Exception e) when (IsUnreachable(e) && !ct.IsCancellationRequested)
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            await error.WriteLineAsync(
                $"Cannot reach the database ({configuration["Database:Provider"] ?? "Sqlite"}): {Innermost(e).Message}\n" +
                "Check Database__Provider and ConnectionStrings__Approvals, and that the database server is running. Nothing was created.");
            return DatabaseUnreachable;
        }
    }

    /// <summary>What the app does at start-up before it creates anything: the start-up lock, migrations and the roles.</summary>
    /// <returns>The number of migrations applied.</returns>
    private static async Task<int> PrepareDatabaseAsync(IServiceProvider services, CancellationToken ct)
    {
        var hosted = services.GetServices<IHostedService>().ToList();
        var startupLock = hosted.OfType<StartupLock>().SingleOrDefault();
        if (startupLock is not null)
        {
            await startupLock.StartingAsync(ct);
        }

        try
        {
            var pending = 0;
            if (services.GetRequiredService<IConfiguration>().GetValue("Database:Schema", SchemaMode.Migrate) == SchemaMode.Migrate)
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<Approvals.Persistence.ApprovalsDbContext>();
                pending = (await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetPendingMigrationsAsync(db.Database, ct)).Count();
            }

            await hosted.OfType<SchemaInitializer>().Single().StartAsync(ct);
            await hosted.OfType<RoleInitializer>().Single().StartAsync(ct);
            return pending;
        }
        finally
        {
            if (startupLock is not null)
            {
                await startupLock.StartedAsync(ct);
            }
        }
    }

    /// <summary>A line from a pipe as it is; from a terminal typed twice without echo.</summary>
    private static string? ReadPassword(TextReader input, TextWriter prompt)
    {
        if (!ReferenceEquals(input, Console.In) || Console.IsInputRedirected)
        {
            return input.ReadLine();
        }

        prompt.Write("Password for the new administrator (at least 12 characters, upper and lower case, a digit and a symbol): ");
        var first = ReadHidden();
        prompt.Write("The same password again: ");
        var second = ReadHidden();
        if (first != second)
        {
            prompt.WriteLine("The two passwords differ.");
            return null;
        }

        return first;
    }

    private static string ReadHidden()
    {
        var typed = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return typed.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0)
                {
                    typed.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
    }

    private static bool IsUnreachable(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is DbException or SocketException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null && e is not DbException)
        {
            e = e.InnerException;
        }

        return e;
    }
}

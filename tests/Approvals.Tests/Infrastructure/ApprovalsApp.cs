using System.Net.Http.Headers;
using System.Net.Http.Json;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Infrastructure;

/// <summary>
/// The real app over a real database with the demo accounts and the seed's plans: an SQLite file in a temp
/// folder, or a fresh PostgreSQL database with <c>APPROVALS_TEST_DATABASE=Postgres</c> (see <see cref="TestDatabase"/>).
/// Each instance has its own database; share one through <see cref="AppCollection"/> when tests do not
/// depend on each other's writes.
/// </summary>
public class ApprovalsApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly Dictionary<string, string> _tokens = [];
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private bool _disposed;

    public ApprovalsApp()
        : this(TestDatabase.Create(Path.Combine(Path.GetTempPath(), "approvals-tests", Guid.NewGuid().ToString("N"))))
    {
    }

    // Protected: an xunit fixture may have only one public constructor.
    protected ApprovalsApp(TestDatabase database) => Database = database;

    public TestDatabase Database { get; }

    /// <summary>An app on the given database; several apps on one database are several instances of the app.</summary>
    public static ApprovalsApp On(TestDatabase database) => new(database);

    /// <summary>Extra configuration for a derived fixture (same keys as appsettings.json).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Database.Prepare();
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Approvals", Database.ConnectionString);
        builder.UseSetting("Database:Provider", Database.Provider);
        builder.UseSetting("Database:Schema", "EnsureCreated");
        builder.UseSetting("Demo:Enabled", "true");
        // Tests sign in far more often than people, all from one address; the sign-in limit tests set their own.
        foreach (var (key, value) in UnlimitedSignIns)
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Sign-in limits no test run reaches, unless it means to.</summary>
    public static IReadOnlyDictionary<string, string> UnlimitedSignIns { get; } = new[] { "PerAddress", "PerAccount", "PerDevice" }
        .SelectMany(limit => new[] { ($"SignIn:{limit}:Burst", "100000"), ($"SignIn:{limit}:PerMinute", "100000") })
        .ToDictionary(s => s.Item1, s => s.Item2);

    public Task InitializeAsync()
    {
        _ = Server; // start the host: schema and demo data are in place before the first test
        return Task.CompletedTask;
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>Stops the app and drops its database (also when disposed with <c>await using</c>).</summary>
    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await base.DisposeAsync();
        await Database.Drop();
        GC.SuppressFinalize(this);
    }

    /// <summary>An HTTP client signed in (bearer token) as the demo account with this e-mail.</summary>
    public async Task<HttpClient> ClientFor(string email)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenFor(email));
        return client;
    }

    public async Task<string> TokenFor(string email)
    {
        await _tokenLock.WaitAsync();
        try
        {
            if (!_tokens.TryGetValue(email, out var token))
            {
                using var anonymous = CreateClient();
                var response = await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = DemoAccounts.Password });
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadFromJsonAsync<TokenResponse>();
                token = body!.AccessToken;
                _tokens[email] = token;
            }

            return token;
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> against the app's database in a fresh scope.</summary>
    public async Task<T> WithDb<T>(Func<ApprovalsDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>());
    }

    /// <summary>Makes an account of its own, e.g. holding several roles, which no demo account does (to test four-eyes), or with an empty inbox.</summary>
    public async Task<string> CreateUser(string name, Committee? committee, params string[] roles)
    {
        var email = $"test.{Guid.NewGuid():N}@approvals.local";
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CommitteeCode = committee?.Code };
        Check(await users.CreateAsync(user, DemoAccounts.Password));
        Check(await users.AddToRolesAsync(user, roles));
        return email;

        static void Check(IdentityResult result) =>
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
    }

    private sealed record TokenResponse(string AccessToken);
}

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<ApprovalsApp>
{
    public const string Name = "app";
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Approvals.Web.Features.Accounts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Benchmarks;

/// <summary>
/// The real app served by Kestrel on a loopback port, over a real SQLite file in a temp folder, with the demo
/// accounts. Requests go through the real socket, so the figures include HTTP and serialisation.
/// </summary>
public sealed class BenchmarkApp : WebApplicationFactory<global::Program>
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "approvals-benchmarks", Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(_folder, "approvals.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_folder);
        // Not a test project, so the factory finds no content root of its own; the app needs only its output folder.
        builder.UseContentRoot(AppContext.BaseDirectory);
        builder.UseEnvironment("Benchmark");
        builder.UseSetting("ConnectionStrings:Approvals", $"Data Source={DatabasePath}");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Database:Schema", "EnsureCreated");
        builder.UseSetting("Demo:Enabled", "true");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    /// <summary>Starts Kestrel on 127.0.0.1 and returns a client signed in as <paramref name="email"/>.</summary>
    public async Task<HttpClient> StartAndSignIn(string email)
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = DemoAccounts.Password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS temp cleaner.
        }
    }

    private sealed record TokenResponse(string AccessToken);
}

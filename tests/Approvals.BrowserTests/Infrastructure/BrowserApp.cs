using System.Net;
using System.Net.Http.Json;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Approvals.BrowserTests.Infrastructure;

/// <summary>
/// The real app on a real loopback port (Kestrel, SQLite temp file, demo data) and Debian's Chromium
/// driven by Playwright. Started once for the collection and stopped after it.
/// </summary>
public class BrowserApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "approvals-browser-tests", Guid.NewGuid().ToString("N"));
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> PolicyViolations = new();
    private IPlaywright? _playwright;

    /// <summary>Extra configuration for a derived fixture (same keys as appsettings.json).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Runs before the app starts, once its loopback address is known.</summary>
    protected virtual Task BeforeStartAsync(int port) => Task.CompletedTask;

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the screenshots go: under the test output folder.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_folder);
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Approvals", $"Data Source={Path.Combine(_folder, "approvals.db")}");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Database:Schema", "EnsureCreated");
        builder.UseSetting("Demo:Enabled", "true");
        // The tests sign in far more often than people do, all from one address.
        foreach (var limit in new[] { "PerAddress", "PerAccount", "PerDevice" })
        {
            builder.UseSetting($"SignIn:{limit}:Burst", "100000");
            builder.UseSetting($"SignIn:{limit}:PerMinute", "100000");
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public async Task InitializeAsync()
    {
        var chromium = ChromiumPath();
        var port = FreePort();
        await BeforeStartAsync(port);
        UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await WarmUpAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(ScreenshotFolder);
        Console.WriteLine($"Browser tests: app at {BaseUrl}, screenshots in {ScreenshotFolder}");
    }

    // A cold app's first sign-in (the code's first compilation, the first password hash, the data protection key ring)
    // took longer than a step's 15 s once, on two cores busy with the other test project starting: the tests time their
    // steps, not the app's start, so the fixture has the app serve the sign-in page and a sign-in first. The answers do
    // not matter (a fixture may have local passwords switched off); that they were served does.
    private async Task WarmUpAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(120) };
        (await http.GetAsync("/log-ind")).Dispose();
        (await http.PostAsJsonAsync("/api/auth/login", new { email = DemoAccounts.SecretaryOf(Committee.Oeu), password = DemoAccounts.Password })).Dispose();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeExtrasAsync();
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await DisposeAsync();
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

    /// <summary>Stops what <see cref="BeforeStartAsync"/> started.</summary>
    protected virtual Task DisposeExtrasAsync() => Task.CompletedTask;

    /// <summary>A fresh browser context (its own cookies) and page, not signed in.</summary>
    public async Task<IPage> NewPage()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var violations = PolicyViolations.GetOrCreateValue(page);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (violations)
                {
                    violations.Add($"{message.Location}: {message.Text}");
                }
            }
        };
        return page;
    }

    /// <summary>What the browser refused on <paramref name="page"/> under the app's Content-Security-Policy, as its console said.</summary>
    public static IReadOnlyList<string> ContentSecurityPolicyViolations(IPage page)
    {
        var violations = PolicyViolations.GetOrCreateValue(page);
        lock (violations)
        {
            return [.. violations];
        }
    }

    /// <summary>A page signed in through the sign-in form as the demo account <paramref name="email"/>.</summary>
    public async Task<IPage> SignedIn(string email)
    {
        var page = await NewPage();
        await SignIn(page, email);
        return page;
    }

    public static async Task SignIn(IPage page, string email, string password = DemoAccounts.Password)
    {
        await page.GotoAsync("/log-ind");
        await page.GetByLabel("E-mailadresse").FillAsync(email);
        await page.GetByLabel("Adgangskode").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind", Exact = true }).ClickAsync();
        try
        {
            // Longer than a step's 15 s: a test's set-up sign-in (the password hashed, the session written) ran out of 15 s
            // in two CI runs of five on 2026-11-30, on two cores shared with the other test project. Should it still
            // not leave the page, the message says what the page showed, so a refusal is told from slowness.
            // The address polled, not a navigation awaited: two CI runs timed out already signed in on the home page, the
            // navigation there having ended before the wait for it began; the steps after wait for what they need.
            await Assertions.Expect(page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/log-ind"), new() { Timeout = 45_000 });
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            // Still on the sign-in page: say what it shows (a refusal, a validation message), not only that time ran out.
            var shown = await page.EvaluateAsync<string>("() => document.body ? document.body.innerText : ''");
            throw new TimeoutException($"Signing in as {email} stayed on {page.Url}, showing: {shown.ReplaceLineEndings(" ")}", e);
        }
    }

    /// <summary>Starts a draft for <paramref name="committee"/> straight in the database, owned by its secretary.</summary>
    public async Task<Guid> StartPlan(Committee committee, string title, PlanContent content)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        var owner = await users.FindByEmailAsync(DemoAccounts.SecretaryOf(committee))
            ?? throw new InvalidOperationException($"The demo secretary of {committee.Code} is missing.");
        var plan = scope.ServiceProvider.GetRequiredService<Approvals.Core.Workflow.WorkflowRuntime>()
            .StartPlan(committee, title, owner.Id, content, DateTime.UtcNow);
        db.Plans.Add(plan);
        await db.SaveChangesAsync();
        return plan.Id;
    }

    /// <summary>
    /// Takes a workflow action as the demo account <paramref name="email"/>, through the same service as the plan
    /// page and the API, on the plan's current version. For setting a plan up; the journey clicks the buttons.
    /// </summary>
    public async Task Take(Guid planId, string email, string action, string? comment = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"There is no account {email}.");
        var plan = await scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>().Plans.AsNoTracking().SingleAsync(p => p.Id == planId);
        var outcome = await scope.ServiceProvider.GetRequiredService<PlanTransitions>()
            .TakeAsync(planId, await signIn.CreateUserPrincipalAsync(user), action, comment, ETags.For(plan), CancellationToken.None);
        if (outcome.Status != TransitionStatus.Taken)
        {
            throw new InvalidOperationException($"{email} could not {action} plan {planId}: {outcome.Status} {outcome.Refusal?.Message}");
        }
    }

    public async Task<T> WithDb<T>(Func<ApprovalsDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>());
    }

    /// <summary>
    /// Saves a screenshot as test output and returns its path: the full page, or only what the window shows when
    /// <paramref name="fullPage"/> is false (for pages many screens tall, whose full capture can take longer than the
    /// test's own checks on a loaded machine). The capture is evidence, not a check, so it gets a generous timeout.
    /// </summary>
    public static async Task<string> Screenshot(IPage page, string name, bool fullPage = true)
    {
        var path = Path.Combine(ScreenshotFolder, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage, Timeout = 60_000 });
        return path;
    }

    private static string ChromiumPath()
    {
        var configured = Environment.GetEnvironmentVariable("APPROVALS_TEST_CHROMIUM");
        var path = string.IsNullOrWhiteSpace(configured) ? "/usr/bin/chromium" : configured;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at '{path}'. Install Debian's package (apt-get install -y chromium) or set " +
                "APPROVALS_TEST_CHROMIUM to its path; tests/run.sh does both. Never run Playwright's own browser download.");
        }

        return path;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserApp>
{
    public const string Name = "browser";
}

/// <summary>
/// An app of its own for the approval journey: it carries the SOU seed plan to adoption, which the other
/// browser tests (on <see cref="BrowserCollection"/>) expect to find as a draft.
/// </summary>
[CollectionDefinition(Name)]
public sealed class JourneyCollection : ICollectionFixture<BrowserApp>
{
    public const string Name = "journey";
}

/// <summary>Waits for what a background worker does (e.g. notification delivery), failing with <paramref name="what"/> after the timeout.</summary>
public static class Eventually
{
    public static async Task True(Func<Task<bool>> probe, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await probe())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(200);
        }
    }
}

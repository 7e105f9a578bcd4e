using System.Net.Http.Headers;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.Security;

/// <summary>
/// An app of its own for the authorisation table, with every caller signed in twice: a bearer token for the API
/// and a cookie session (with its antiforgery token) for the pages. The plan the table reads and the draft it
/// edits belong to SOU, so the "own" callers are SOU's and the "other" ones TMU's.
/// </summary>
public sealed class AuthorizationTableApp : IAsyncLifetime
{
    private static readonly HttpRequestOptionsKey<Dictionary<string, string>> FormFields = new("form");

    private readonly Dictionary<Caller, string> _tokens = [];
    private readonly Dictionary<Caller, Session> _sessions = [];
    private HttpClient _http = null!;

    public ApprovalsApp App { get; } = new();

    /// <summary>SOU's plan in administrative review, with its submitted revision 1.</summary>
    public Guid ReadPlan { get; private set; }

    /// <summary>SOU's draft.</summary>
    public Guid DraftPlan { get; private set; }

    /// <summary>An open comment of the administrative reviewer on <see cref="ReadPlan"/>.</summary>
    public Guid Comment { get; private set; }

    /// <summary>A notification of SOU's secretary.</summary>
    public Guid Notification { get; private set; }

    public static string EmailOf(Caller caller) => caller switch
    {
        Caller.OwnSecretary => Users.Secretary(Committee.Sou),
        Caller.OtherSecretary => Users.Secretary(Committee.Tmu),
        Caller.OwnCommitteeApprover => Users.CommitteeApprover(Committee.Sou),
        Caller.OtherCommitteeApprover => Users.CommitteeApprover(Committee.Tmu),
        Caller.AdministrativeReviewer => Users.AdministrativeReviewer,
        Caller.CouncilApprover => Users.CouncilApprover,
        Caller.Coordinator or Caller.Tampered => Users.Coordinator,
        Caller.Administrator => Users.Administrator,
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, "No one signs in as no one."),
    };

    public async Task InitializeAsync()
    {
        await App.InitializeAsync();
        _http = App.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        foreach (var caller in Enum.GetValues<Caller>())
        {
            _sessions[caller] = await NewSession(caller);
            if (caller != Caller.Anonymous)
            {
                _tokens[caller] = await App.TokenFor(EmailOf(caller));
            }
        }

        _tokens[Caller.Tampered] = Tamper(_tokens[Caller.Tampered]);
        ReadPlan = (await NewPlan(Stages.AdministrativeReview, frozen: true)).Id;
        DraftPlan = (await NewPlan(Stages.Draft)).Id;
        Notification = await NewNotification(EmailOf(Caller.OwnSecretary));
        Comment = await NewComment();
    }

    /// <summary>A fresh open comment of the administrative reviewer on the whole of <see cref="ReadPlan"/>, written through the API.</summary>
    public async Task<Guid> NewComment()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/plans/{ReadPlan}/comments") { Content = JsonContent.Create(new { text = "Hvordan måles målet?" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[Caller.AdministrativeReviewer]);
        using var response = await _http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Writing a comment answered {(int)response.StatusCode}");
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>A token of a sign-in of its own (the app's <c>TokenFor</c> hands every test the same one).</summary>
    private async Task<string> FreshToken(string email)
    {
        using var response = await _http.PostAsJsonAsync("/api/auth/login", new { email, password = DemoAccounts.Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>The body of <c>POST /api/users</c> for a new coordinator with an address no one has.</summary>
    public static object NewAccountInput() =>
        new { email = $"ny-{Guid.NewGuid():N}@example.org", name = "Ny Bruger", roles = new[] { "Coordinator" } };

    /// <summary>A fresh account, created by the administrator through the API (and deactivated, if asked); its id.</summary>
    public async Task<string> NewAccount(bool deactivated = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users") { Content = JsonContent.Create(NewAccountInput()) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[Caller.Administrator]);
        using var response = await _http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating an account answered {(int)response.StatusCode}");
        var id = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").ToString();
        if (deactivated)
        {
            using var deactivate = new HttpRequestMessage(HttpMethod.Post, $"/api/users/{id}/deactivate");
            deactivate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[Caller.Administrator]);
            using var done = await _http.SendAsync(deactivate);
            Assert.True(done.IsSuccessStatusCode, $"Deactivating an account answered {(int)done.StatusCode}");
        }

        return id;
    }

    public Task DisposeAsync() => ((IAsyncLifetime)App).DisposeAsync();

    /// <summary>A form post as the caller's browser would send it; the runner adds the session's antiforgery token.</summary>
    public Task<HttpRequestMessage> Form(Caller caller, string path, Dictionary<string, string> fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Options.Set(FormFields, fields);
        return Task.FromResult(request);
    }

    /// <summary>Sends the case's request as <paramref name="caller"/>: with its bearer token to the API, its cookies to pages.</summary>
    public async Task<HttpResponseMessage> Send(Case @case, Caller caller)
    {
        var request = await @case.Request(this, caller);
        if (@case.IsPage)
        {
            var session = @case.FreshSession ? await NewSession(caller) : _sessions[caller];
            request.Headers.Add("Cookie", session.Cookies);
            if (request.Options.TryGetValue(FormFields, out var fields))
            {
                request.Content = new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = session.Antiforgery });
            }
        }
        else if (_tokens.TryGetValue(caller, out var token))
        {
            // A case that ends its session (signing out) gets a token of its own, so the others keep theirs.
            if (@case.FreshSession)
            {
                token = await FreshToken(EmailOf(caller));
                token = caller == Caller.Tampered ? Tamper(token) : token;
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _http.SendAsync(request);
    }

    /// <summary>A plan of SOU's, owned by its secretary, with nothing flagged, in <paramref name="stage"/>; its id and ETag.</summary>
    public Task<(Guid Id, string ETag)> NewPlan(string stage, bool frozen = false) => App.WithDb(async db =>
    {
        var owner = await db.Users.Where(u => u.Email == EmailOf(Caller.OwnSecretary)).Select(u => u.Id).SingleAsync();
        var now = DateTime.UtcNow;
        var content = new PlanContent([new Objective("Lige muligheder", [new ResultGoal("1", "Flere borgere i job",
            [new Indicator("Andelen skal stige med 5 procentpoint inden 2027")], [new Activity("Jobmesse")])])]);
        var plan = Plan.Start(Committee.Sou, $"Tabelplan {Guid.NewGuid():N}"[..20], owner, content, "committee-plan", 1, Stages.Draft, now);
        if (frozen)
        {
            db.PlanRevisions.Add(PlanRevision.Freeze(plan, owner, now));
        }

        plan.MoveTo(stage, now);
        db.Plans.Add(plan);
        await db.SaveChangesAsync();
        return (plan.Id, ETags.For(plan));
    });

    private Task<Guid> NewNotification(string email) => App.WithDb(async db =>
    {
        var notification = new Notification
        {
            Id = Guid.CreateVersion7(),
            EventId = Guid.NewGuid(),
            RecipientId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync(),
            PlanId = ReadPlan,
            Kind = "PlanSubmitted",
            Subject = "Handleplan indsendt",
            Body = "En plan venter.",
            Link = $"http://localhost/planer/{ReadPlan}",
            OccurredUtc = DateTime.UtcNow,
            CreatedUtc = DateTime.UtcNow,
        };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();
        return notification.Id;
    });

    /// <summary>A browser session: signed in through the sign-in page (or not, or with its cookie forged), with an antiforgery token for its forms.</summary>
    private async Task<Session> NewSession(Caller caller)
    {
        var cookies = new Dictionary<string, string>();
        var form = await Browse(HttpMethod.Get, "/log-ind", cookies);
        if (caller != Caller.Anonymous)
        {
            var signIn = await Browse(HttpMethod.Post, "/log-ind", cookies, new Dictionary<string, string>
            {
                ["Input.Email"] = EmailOf(caller),
                ["Input.Password"] = DemoAccounts.Password,
                ["__RequestVerificationToken"] = PageClient.TokenOf(await form.Content.ReadAsStringAsync()),
            });
            Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"Signing in as {caller} answered {(int)signIn.StatusCode}");
        }

        if (caller == Caller.Tampered)
        {
            cookies["approvals"] = Tamper(cookies["approvals"]);
        }

        // Every page's header has the language form, so any page gives the session's antiforgery token.
        var page = await Browse(HttpMethod.Get, "/fejl/404", cookies);
        return new Session(string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")), PageClient.TokenOf(await page.Content.ReadAsStringAsync()));
    }

    private async Task<HttpResponseMessage> Browse(HttpMethod method, string path, Dictionary<string, string> cookies, Dictionary<string, string>? form = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = form is null ? null : new FormUrlEncodedContent(form) };
        if (cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await _http.SendAsync(request);
        foreach (var setCookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var pair = setCookie.Split(';')[0];
            var equals = pair.IndexOf('=');
            cookies[pair[..equals]] = pair[(equals + 1)..];
        }

        return response;
    }

    /// <summary>The credential with one character in its middle changed: it no longer carries a valid signature.</summary>
    private static string Tamper(string credential)
    {
        var middle = credential.Length / 2;
        return credential[..middle] + (credential[middle] == 'A' ? 'B' : 'A') + credential[(middle + 1)..];
    }

    private sealed record Session(string Cookies, string Antiforgery);
}

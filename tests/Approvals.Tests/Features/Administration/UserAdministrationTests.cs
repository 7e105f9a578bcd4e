using System.Text.Json;
using Approvals.Core.Plans;
using Approvals.Tests.Features.Accounts;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Administration;
using Microsoft.EntityFrameworkCore;
using static Approvals.Tests.Features.Administration.AccountSteps;

namespace Approvals.Tests.Features.Administration;

/// <summary>Account administration through the API, on an app of its own (the tests take administrators' rights away).</summary>
public sealed class UserAdministrationTests(ApprovalsApp app) : IClassFixture<ApprovalsApp>
{
    [Fact]
    public async Task A_new_account_chooses_its_password_through_a_one_time_link_and_signs_in()
    {
        var admin = await app.ClientFor(Users.Administrator);
        var email = NewEmail("sekretaer");

        var created = await Create(admin, email, "Sara Sekretær", ["Secretary"], "sou");

        Assert.Equal(email, created.Email);
        Assert.Equal(["Secretary"], created.Roles);
        Assert.Equal("SOU", created.Committee);
        Assert.True(created.Active);
        Assert.Null(created.LastSignInUtc);
        Assert.StartsWith("http://localhost:5080/adgangskode/ny?token=", created.InvitationUrl);
        Assert.InRange(created.InvitationExpiresUtc!.Value, DateTime.UtcNow.AddHours(71), DateTime.UtcNow.AddHours(73));
        Assert.False(created.InvitationEmailed); // no SMTP server configured
        Assert.Equal(HttpStatusCode.Unauthorized, (await Login(app, email)).StatusCode);

        var token = TokenOf(created.InvitationUrl!);
        Assert.Equal(HttpStatusCode.NoContent, (await SetPassword(app, token, NewPassword)).StatusCode);

        using var colleague = WithToken(app, await Token(app, email));
        var me = await colleague.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal(["Secretary"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("SOU", me.GetProperty("committee").GetString());
        var listed = (await admin.GetFromJsonAsync<UserPageResponse>($"/api/users?search={email}"))!.Items;
        Assert.NotNull(Assert.Single(listed!).LastSignInUtc);

        // Used once: the same link cannot set another password.
        var again = await SetPassword(app, token, "Et-helt-andet-kodeord-1");
        var problem = await again.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(["token"], problem.ErrorFields());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Login(app, email, "Et-helt-andet-kodeord-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Login(app, email)).StatusCode);
    }

    [Fact]
    public async Task An_altered_or_expired_link_is_refused_and_changes_nothing()
    {
        var admin = await app.ClientFor(Users.Administrator);
        var created = await Create(admin, NewEmail(), "Ane Andersen", ["Coordinator"]);
        var token = TokenOf(created.InvitationUrl!);

        var altered = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        Assert.Equal(["token"], (await (await SetPassword(app, altered, NewPassword)).AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["token"], (await (await SetPassword(app, new string('x', 5000), NewPassword)).AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());

        await app.WithDb(db => db.Invitations.Where(i => i.UserId == created.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.ExpiresUtc, DateTime.UtcNow.AddMinutes(-1))));
        Assert.Equal(["token"], (await (await SetPassword(app, token, NewPassword)).AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());

        Assert.Null(await app.WithDb(db => db.Users.Where(u => u.Id == created.Id).Select(u => u.PasswordHash).SingleAsync()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Login(app, created.Email)).StatusCode);
    }

    [Fact]
    public async Task A_weak_password_is_refused_naming_the_rules_and_leaves_the_link_open()
    {
        var admin = await app.ClientFor(Users.Administrator);
        var created = await Create(admin, NewEmail(), "Bo Bech", ["Coordinator"]);
        var token = TokenOf(created.InvitationUrl!);

        var problem = await (await SetPassword(app, token, "kort")).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Equal(["password"], problem.ErrorFields());
        Assert.Contains("at least 12 characters", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await SetPassword(app, token, NewPassword)).StatusCode);
    }

    [Fact]
    public async Task A_new_invitation_makes_the_earlier_link_stop_working()
    {
        var admin = await app.ClientFor(Users.Administrator);
        var created = await Create(admin, NewEmail(), "Cecilie Carlsen", ["Coordinator"]);

        var renewed = await (await admin.PostAsync($"/api/users/{created.Id}/invitation", null)).ReadOk<InvitationResponse>();

        Assert.NotEqual(created.InvitationUrl, renewed.InvitationUrl);
        await (await SetPassword(app, TokenOf(created.InvitationUrl!), NewPassword)).AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NoContent, (await SetPassword(app, TokenOf(renewed.InvitationUrl!), NewPassword)).StatusCode);
    }

    [Fact]
    public async Task A_new_link_after_a_forgotten_password_ends_the_old_sessions_once_used()
    {
        var admin = await app.ClientFor(Users.Administrator);
        var created = await Onboard(app, admin, ["Coordinator"]);
        using var before = WithToken(app, await Token(app, created.Email));

        var renewed = await (await admin.PostAsync($"/api/users/{created.Id}/invitation", null)).ReadOk<InvitationResponse>();
        Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/api/auth/me")).StatusCode); // a link alone changes nothing
        Assert.Equal(HttpStatusCode.NoContent, (await SetPassword(app, TokenOf(renewed.InvitationUrl!), "Nyt-kodeord-til-Cecilie-9")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await before.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Login(app, created.Email)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Login(app, created.Email, "Nyt-kodeord-til-Cecilie-9")).StatusCode);
    }

    [Fact]
    public async Task An_address_already_taken_is_refused_with_409()
    {
        var admin = await app.ClientFor(Users.Administrator);

        var response = await admin.PostAsJsonAsync("/api/users", new { email = Users.Coordinator.ToUpperInvariant(), name = "Kopi", roles = new[] { "Coordinator" } });

        var problem = await response.AssertProblem(HttpStatusCode.Conflict);
        Assert.Contains("exists already", problem.GetProperty("detail").GetString());
        Assert.Equal(1, await app.WithDb(db => db.Users.CountAsync(u => u.NormalizedEmail == Users.Coordinator.ToUpperInvariant())));
    }

    [Theory]
    [InlineData("""{"name":"X","roles":["Mayor"],"committee":null}""", "roles[0]")]
    [InlineData("""{"name":"X","roles":["Secretary"],"committee":null}""", "committee")]
    [InlineData("""{"name":"X","roles":["CommitteeApprover"],"committee":"XYZ"}""", "committee")]
    [InlineData("""{"name":"X","roles":["Coordinator"],"committee":"SOU"}""", "committee")]
    [InlineData("""{"name":"","roles":["Coordinator"],"committee":null}""", "name")]
    [InlineData("""{"name":"X","roles":["Coordinator","Coordinator"],"committee":null}""", "roles")]
    [InlineData("""{"name":"X","committee":null}""", "roles")]
    public async Task Invalid_roles_committees_or_names_get_400_naming_the_field_and_change_nothing(string body, string field)
    {
        var admin = await app.ClientFor(Users.Administrator);
        var created = await Create(admin, NewEmail(), "Dorthe Dahl", ["Secretary"], "BUU");

        var response = await admin.PutAsync($"/api/users/{created.Id}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        var now = await admin.GetFromJsonAsync<UserDetailResponse>($"/api/users/{created.Id}");
        Assert.Equal(("Dorthe Dahl", "BUU"), (now!.Name, now.Committee));
        Assert.Equal(["Secretary"], now.Roles);
    }

    [Fact]
    public async Task A_name_longer_than_the_column_is_refused()
    {
        var admin = await app.ClientFor(Users.Administrator);

        var response = await admin.PostAsJsonAsync("/api/users", new { email = NewEmail(), name = new string('n', UserLimits.Name + 1), roles = new[] { "Coordinator" } });

        Assert.Equal(["name"], (await response.AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task New_roles_apply_to_the_next_request_of_an_existing_token_and_no_role_reads_no_plans()
    {
        var admin = await app.ClientFor(Users.Administrator);
        var created = await Onboard(app, admin, ["Coordinator"]);
        using var colleague = WithToken(app, await Token(app, created.Email));
        Assert.Equal(HttpStatusCode.OK, (await colleague.GetAsync("/api/reports/missing-indicators")).StatusCode);
        var plans = (await colleague.GetFromJsonAsync<JsonElement>("/api/plans")).GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(plans);
        var planId = plans[0].GetProperty("id").GetGuid();

        var update = await admin.PutAsJsonAsync($"/api/users/{created.Id}", new { name = "Kim Kollega", roles = Array.Empty<string>(), committee = (string?)null });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await colleague.GetAsync("/api/reports/missing-indicators")).StatusCode);
        Assert.Empty((await colleague.GetFromJsonAsync<JsonElement>("/api/plans")).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await colleague.GetAsync($"/api/plans/{planId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await colleague.GetAsync($"/api/plans/{planId}/validation")).StatusCode);

        await admin.PutAsJsonAsync($"/api/users/{created.Id}", new { name = "Kim Kollega", roles = new[] { "Secretary" }, committee = "KFU" });
        var own = (await colleague.GetFromJsonAsync<JsonElement>("/api/plans")).GetProperty("items").EnumerateArray().ToList();
        Assert.All(own, p => Assert.Equal("KFU", p.GetProperty("committee").GetString()));
        Assert.NotEmpty(own);
    }

    [Fact]
    public async Task A_deactivated_account_is_refused_with_its_old_token_and_cannot_sign_in_until_activated()
    {
        var admin = await app.ClientFor(Users.Administrator);
        var created = await Onboard(app, admin, ["Coordinator"]);
        using var colleague = WithToken(app, await Token(app, created.Email));
        Assert.Equal(HttpStatusCode.OK, (await colleague.GetAsync("/api/auth/me")).StatusCode);

        var deactivated = await (await admin.PostAsync($"/api/users/{created.Id}/deactivate", null)).ReadOk<UserDetailResponse>();

        Assert.False(deactivated.Active);
        Assert.Equal(HttpStatusCode.Unauthorized, (await colleague.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Login(app, created.Email)).StatusCode);
        await (await admin.PostAsync($"/api/users/{created.Id}/deactivate", null)).AssertProblem(HttpStatusCode.Conflict);

        Assert.True((await (await admin.PostAsync($"/api/users/{created.Id}/activate", null)).ReadOk<UserDetailResponse>()).Active);
        Assert.Equal(HttpStatusCode.OK, (await Login(app, created.Email)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await colleague.GetAsync("/api/auth/me")).StatusCode); // sessions from before stay ended
    }

    [Fact]
    public async Task Every_change_is_journaled_with_who_what_when_and_before_and_after()
    {
        var admin = await app.ClientFor(Users.Administrator);
        var started = DateTime.UtcNow.AddSeconds(-1);
        var created = await Create(admin, NewEmail(), "Eva Eriksen", ["Secretary"], "TMU");
        await admin.PutAsJsonAsync($"/api/users/{created.Id}", new { name = "Eva Eriksen-Holm", roles = new[] { "Secretary", "Coordinator" }, committee = "TMU" });
        await admin.PostAsync($"/api/users/{created.Id}/deactivate", null);
        await admin.PostAsync($"/api/users/{created.Id}/activate", null);
        var renewed = await (await admin.PostAsync($"/api/users/{created.Id}/invitation", null)).ReadOk<InvitationResponse>();
        await SetPassword(app, TokenOf(renewed.InvitationUrl!), NewPassword);

        var history = await (await admin.GetAsync($"/api/users/{created.Id}/history")).ReadOk<List<JsonElement>>();

        Assert.Equal(["created", "updated", "deactivated", "activated", "invited", "password-set"], history.Select(h => h.GetProperty("action").GetString()));
        Assert.All(history.Take(5), h => Assert.Equal("Administrator", h.GetProperty("actor").GetString()));
        Assert.Equal("Eva Eriksen-Holm", history[5].GetProperty("actor").GetString());
        Assert.All(history, h => Assert.InRange(h.GetProperty("atUtc").GetDateTime(), started, DateTime.UtcNow.AddSeconds(1)));
        var update = history[1];
        Assert.Equal("Eva Eriksen", update.GetProperty("before").GetProperty("name").GetString());
        Assert.Equal("Eva Eriksen-Holm", update.GetProperty("after").GetProperty("name").GetString());
        Assert.Equal(["Secretary"], update.GetProperty("before").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["Secretary", "Coordinator"], update.GetProperty("after").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.False(update.GetProperty("before").TryGetProperty("committee", out _)); // unchanged fields are left out
        Assert.True(history[2].GetProperty("before").GetProperty("active").GetBoolean());
        Assert.False(history[2].GetProperty("after").GetProperty("active").GetBoolean());
        Assert.Equal(JsonValueKind.Null, history[5].GetProperty("after").ValueKind); // a password is never recorded
    }

    [Fact]
    public async Task The_list_filters_by_search_role_committee_and_active()
    {
        var admin = await app.ClientFor(Users.Administrator);
        var marker = Guid.NewGuid().ToString("N")[..8];
        var oerum = await Create(admin, NewEmail(marker), $"Søren Ørum {marker}", ["Secretary"], "BIU");
        var aase = await Create(admin, NewEmail(marker), $"Åse Ågård {marker}", ["Coordinator"]);
        await admin.PostAsync($"/api/users/{aase.Id}/deactivate", null);

        async Task<List<string>> Names(string query)
        {
            var response = await admin.GetAsync($"/api/users?{query}");
            return (await response.ReadOk<UserPageResponse>()).Items.Select(u => u.Name).ToList();
        }

        Assert.Equal([oerum.Name, aase.Name], await Names($"search={marker}"));
        Assert.Equal([oerum.Name], await Names($"search=ørum {marker}"));
        Assert.Equal([oerum.Name], await Names($"search={marker}&role=Secretary"));
        Assert.Equal([oerum.Name], await Names($"search={marker}&committee=biu"));
        Assert.Equal([oerum.Name], await Names($"search={marker}&active=true"));
        Assert.Equal([aase.Name], await Names($"search={marker}&active=false"));
        Assert.Equal([aase.Name], await Names($"search={marker}&pageSize=1&page=2"));
        var all = await (await admin.GetAsync("/api/users?pageSize=3")).ReadOk<UserPageResponse>();
        Assert.Equal(3, all.Items.Count);
        Assert.True(all.Total > 3);
        Assert.Equal((1, 3), (all.Page, all.PageSize));

        Assert.Equal(["role"], (await (await admin.GetAsync("/api/users?role=Mayor")).AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["committee"], (await (await admin.GetAsync("/api/users?committee=XYZ")).AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["active"], (await (await admin.GetAsync("/api/users?active=maybe")).AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["pageSize"], (await (await admin.GetAsync("/api/users?pageSize=100000")).AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["page"], (await (await admin.GetAsync("/api/users?page=0")).AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["search"], (await (await admin.GetAsync($"/api/users?search={new string('s', 201)}")).AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task Unknown_accounts_are_404()
    {
        var admin = await app.ClientFor(Users.Administrator);

        await (await admin.GetAsync("/api/users/nobody")).AssertProblem(HttpStatusCode.NotFound);
        await (await admin.PutAsJsonAsync("/api/users/nobody", new { name = "X", roles = Array.Empty<string>() })).AssertProblem(HttpStatusCode.NotFound);
        await (await admin.PostAsync("/api/users/nobody/deactivate", null)).AssertProblem(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/users/nobody/history")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("GET", "/api/users")]
    [InlineData("POST", "/api/users")]
    [InlineData("GET", "/api/users/x")]
    [InlineData("PUT", "/api/users/x")]
    [InlineData("POST", "/api/users/x/deactivate")]
    [InlineData("POST", "/api/users/x/activate")]
    [InlineData("POST", "/api/users/x/invitation")]
    [InlineData("GET", "/api/users/x/history")]
    public async Task Only_administrators_administer_accounts(string method, string path)
    {
        var body = JsonContent.Create(new { email = NewEmail(), name = "X", roles = new[] { "Administrator" } });
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = body })).StatusCode);

        foreach (var email in new[] { Users.Coordinator, Users.AdministrativeReviewer, Users.Secretary(Committee.Sou), Users.CouncilApprover })
        {
            using var client = await app.ClientFor(email);
            var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = body });
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{email}: {method} {path} answered {(int)response.StatusCode}");
        }
    }
}

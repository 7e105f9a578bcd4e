using System.Text.RegularExpressions;
using Approvals.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Approvals.Tests.Features.Administration.AccountSteps;

namespace Approvals.Tests.Features.Administration;

/// <summary>The administration and own-account pages as plain form posts (a browser without script), on both databases.</summary>
public sealed partial class UserPagesTests(ApprovalsApp app) : IClassFixture<ApprovalsApp>
{
    [Fact]
    public async Task An_administrator_creates_an_account_on_the_pages_and_the_person_sets_a_password_on_the_link_page()
    {
        var admin = await PageClient.SignIn(app, Users.Administrator);
        var email = NewEmail("side");
        var form = await admin.Html("/admin/brugere/ny");

        var created = await admin.Post("/admin/brugere/ny", form, new()
        {
            ["Input.Email"] = email,
            ["Input.Name"] = "Sif Sidebruger",
            ["Input.Roles"] = "Secretary",
            ["Input.Committee"] = "SUD",
        });

        var page = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, page);
        Assert.Matches("/admin/brugere/[0-9a-f-]{36}$", created.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Brugeren er oprettet.", page);
        var link = InvitationLink().Match(page).Groups[1].Value;
        Assert.StartsWith("http://localhost:5080/adgangskode/ny?token=", link);
        Assert.Contains("Oprettet", page);

        var person = new PageClient(app.CreateClient());
        var path = new Uri(link).PathAndQuery;
        var setPage = await person.Html(path);
        Assert.Contains("Vælg din adgangskode", setPage);
        var saved = await person.Post(path, setPage, new() { ["Input.Password"] = NewPassword, ["Input.Repeat"] = NewPassword });
        Assert.Contains("Din adgangskode er gemt.", await saved.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await Login(app, email)).StatusCode);
        Assert.Contains("Linket kan ikke bruges", await person.Html(path));
    }

    [Fact]
    public async Task The_user_page_changes_roles_deactivates_and_shows_the_history()
    {
        var adminApi = await app.ClientFor(Users.Administrator);
        var created = await Create(adminApi, NewEmail(), "Tor Testesen", ["Coordinator"]);
        var admin = await PageClient.SignIn(app, Users.Administrator);
        var userPage = $"/admin/brugere/{created.Id}";

        var html = await admin.Html(userPage);
        var saved = await admin.Post(userPage, html, new() { ["Input.Name"] = "Tor Testesen", ["Input.Roles"] = "CouncilApprover" });
        Assert.Contains("Ændringerne er gemt", await saved.Content.ReadAsStringAsync());
        var deactivated = await admin.Post($"{userPage}?handler=Deactivate", await admin.Html(userPage), []);
        var after = await deactivated.Content.ReadAsStringAsync();

        Assert.Contains("Kontoen er deaktiveret.", after);
        Assert.Contains("Borgerrepræsentationen", after);
        Assert.Contains("Koordinator", after);
        Assert.Contains("Deaktiveret", after);
        var user = await app.WithDb(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == created.Id));
        Assert.False(user.Active);
    }

    [Fact]
    public async Task A_committee_on_a_coordinator_is_refused_beside_the_field_and_changes_nothing()
    {
        var adminApi = await app.ClientFor(Users.Administrator);
        var created = await Create(adminApi, NewEmail(), "Ulf Udvalgsløs", ["Coordinator"]);
        var admin = await PageClient.SignIn(app, Users.Administrator);
        var userPage = $"/admin/brugere/{created.Id}";

        var response = await admin.Post(userPage, await admin.Html(userPage), new() { ["Input.Name"] = "Ulf", ["Input.Roles"] = "Coordinator", ["Input.Committee"] = "SOU" });

        Assert.Contains("Kun udvalgssekretærer og udvalgsgodkendere hører til et udvalg", await response.Content.ReadAsStringAsync());
        Assert.Equal("Ulf Udvalgsløs", await app.WithDb(db => db.Users.Where(u => u.Id == created.Id).Select(u => u.DisplayName).SingleAsync()));
    }

    [Theory]
    [InlineData("/admin/brugere")]
    [InlineData("/admin/brugere/ny")]
    public async Task Only_administrators_open_the_administration_pages(string path)
    {
        var coordinator = await PageClient.SignIn(app, Users.Coordinator);
        var refused = await coordinator.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var anonymous = await app.CreateClient().GetAsync(path);
        Assert.Contains("/log-ind", anonymous.RequestMessage!.RequestUri!.AbsolutePath);

        var admin = await PageClient.SignIn(app, Users.Administrator);
        Assert.Contains("<h1", await admin.Html(path));
    }

    [Fact]
    public async Task The_account_page_changes_the_own_password()
    {
        var adminApi = await app.ClientFor(Users.Administrator);
        var created = await Onboard(app, adminApi, ["Coordinator"]);
        var person = new PageClient(app.CreateClient());
        await person.Post("/log-ind", await person.Html("/log-ind"), new() { ["Input.Email"] = created.Email, ["Input.Password"] = NewPassword });

        var account = await person.Html("/konto");
        Assert.Contains(created.Email, account);
        var wrong = await person.Post("/konto?handler=Password", account, new()
        {
            ["Password.Current"] = "forkert-Kode-123",
            ["Password.New.Password"] = "Helt-ny-kode-2028",
            ["Password.New.Repeat"] = "Helt-ny-kode-2028",
        });
        Assert.Contains("Den nuværende adgangskode er forkert.", await wrong.Content.ReadAsStringAsync());
        var changed = await person.Post("/konto?handler=Password", account, new()
        {
            ["Password.Current"] = NewPassword,
            ["Password.New.Password"] = "Helt-ny-kode-2028",
            ["Password.New.Repeat"] = "Helt-ny-kode-2028",
        });

        Assert.Contains("Din adgangskode er skiftet.", await changed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await Login(app, created.Email, "Helt-ny-kode-2028")).StatusCode);
    }

    [GeneratedRegex("id=\"invitation-url\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex InvitationLink();
}

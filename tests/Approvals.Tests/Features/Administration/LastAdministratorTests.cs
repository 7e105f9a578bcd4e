using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Administration;
using static Approvals.Tests.Features.Administration.AccountSteps;

namespace Approvals.Tests.Features.Administration;

/// <summary>The installation always keeps an active administrator. Each test on an app of its own: they take the demo administrator's rights away.</summary>
public sealed class LastAdministratorTests
{
    [Fact]
    public async Task The_last_active_administrator_cannot_deactivate_or_demote_themselves()
    {
        await using var app = new ApprovalsApp();
        var demoAdmin = await app.ClientFor(Users.Administrator);
        var chief = await Onboard(app, demoAdmin, ["Administrator"]);
        using var chiefClient = WithToken(app, await Token(app, chief.Email));
        var demoAdminId = (await chiefClient.GetFromJsonAsync<UserPageResponse>($"/api/users?search={Users.Administrator}"))!.Items.Single().Id;
        Assert.Equal(HttpStatusCode.OK, (await chiefClient.PostAsync($"/api/users/{demoAdminId}/deactivate", null)).StatusCode);

        var deactivate = await chiefClient.PostAsync($"/api/users/{chief.Id}/deactivate", null);
        var demote = await chiefClient.PutAsJsonAsync($"/api/users/{chief.Id}", new { name = "Chefen", roles = new[] { "Coordinator" } });

        foreach (var refused in new[] { deactivate, demote })
        {
            var problem = await refused.AssertProblem(HttpStatusCode.Conflict);
            Assert.Contains("last active administrator", problem.GetProperty("detail").GetString());
        }

        var now = await chiefClient.GetFromJsonAsync<UserDetailResponse>($"/api/users/{chief.Id}");
        Assert.True(now!.Active);
        Assert.Equal(["Administrator"], now.Roles);
        Assert.Equal("Kim Kollega", now.Name);

        // With a second administrator, the first may step down.
        await Onboard(app, chiefClient, ["Administrator"]);
        var stepDown = await chiefClient.PutAsJsonAsync($"/api/users/{chief.Id}", new { name = "Chefen", roles = new[] { "Coordinator" } });
        Assert.Equal(HttpStatusCode.OK, stepDown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await chiefClient.GetAsync("/api/users")).StatusCode);
    }

    [Fact]
    public async Task Two_administrators_removing_each_other_at_the_same_moment_leave_one_of_them()
    {
        await using var app = new ApprovalsApp();
        var demoAdmin = await app.ClientFor(Users.Administrator);
        var first = await Onboard(app, demoAdmin, ["Administrator"]);
        var second = await Onboard(app, demoAdmin, ["Administrator"]);
        var demoAdminId = (await demoAdmin.GetFromJsonAsync<UserPageResponse>($"/api/users?search={Users.Administrator}"))!.Items.Single().Id;
        using var firstClient = WithToken(app, await Token(app, first.Email));
        using var secondClient = WithToken(app, await Token(app, second.Email));
        Assert.Equal(HttpStatusCode.OK, (await firstClient.PostAsync($"/api/users/{demoAdminId}/deactivate", null)).StatusCode);

        var results = await Task.WhenAll(
            firstClient.PostAsync($"/api/users/{second.Id}/deactivate", null),
            secondClient.PostAsync($"/api/users/{first.Id}/deactivate", null));

        Assert.Contains(results, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(results, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict or HttpStatusCode.Unauthorized, $"answered {(int)r.StatusCode}"));
        var admins = await app.WithDb(async db =>
        {
            var adminRole = db.Roles.Single(r => r.Name == "Administrator").Id;
            return db.Users.Where(u => u.DeactivatedUtc == null && db.UserRoles.Any(r => r.UserId == u.Id && r.RoleId == adminRole)).Select(u => u.Email).ToList();
        });
        Assert.Single(admins);
    }
}

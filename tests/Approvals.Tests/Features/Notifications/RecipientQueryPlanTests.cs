using Approvals.Core.Accounts;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Notifications;
using Approvals.Web.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.Notifications;

/// <summary>
/// Every delivered event reads the members of the roles it tells. The read must start from those roles (Identity's
/// index on their normalised names) and follow the user-role index, so it grows with the members told rather than
/// scanning every user's roles: thousands of accounts, a read per event.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class RecipientQueryPlanTests(ApprovalsApp app)
{
    [Fact]
    public async Task The_members_of_the_roles_told_are_found_through_the_role_name_index()
    {
        var plan = await app.ExplainAsync(NotificationWriter.MembersOfSql.For, ("@roles", new[] { "COMMITTEEAPPROVER", "SECRETARY" }));

        Assert.True(plan.Contains("RoleNameIndex") && !plan.Contains("SCAN ur"), plan);
    }

    [Fact]
    public async Task The_members_read_are_those_of_the_roles_told()
    {
        var reads = app.Services.GetRequiredService<PreparedReads>();

        var members = await app.WithDb(db => reads.ReadAsync(db, NotificationWriter.MembersOfSql.For(db), reader =>
        {
            var found = new List<(string Id, string Role)>();
            while (reader.Read())
            {
                found.Add((reader.GetString(0), reader.GetString(2)));
            }

            return found;
        }, CancellationToken.None, ("@roles", (object)new[] { "COUNCILAPPROVER" })));

        var expected = await app.WithDb(db => (
            from userRole in db.UserRoles
            join role in db.Roles on userRole.RoleId equals role.Id
            where role.Name == Roles.CouncilApprover
            select userRole.UserId).ToListAsync());
        Assert.NotEmpty(members);
        Assert.Equal(expected.Order(), members.Select(m => m.Id).Order());
        Assert.All(members, m => Assert.Equal(Roles.CouncilApprover, m.Role));
    }
}

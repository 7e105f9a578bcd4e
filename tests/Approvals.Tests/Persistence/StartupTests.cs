using Approvals.Core.Accounts;
using Approvals.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Persistence;

public sealed class StartupTests
{
    // Always on PostgreSQL, in both passes of tests/run.sh: several instances are a PostgreSQL set-up.
    [Fact]
    public async Task Two_instances_starting_together_on_an_empty_database_both_start_and_create_everything_once()
    {
        var database = TestDatabase.Postgres();
        await using var a = ApprovalsApp.On(database);
        await using var b = ApprovalsApp.On(database);

        await Task.WhenAll(Task.Run(() => a.Server), Task.Run(() => b.Server));

        foreach (var instance in new[] { a, b })
        {
            using var client = instance.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        }

        Assert.Equal(Roles.All.Count, await a.WithDb(db => db.Roles.CountAsync()));
        Assert.Equal(6, await a.WithDb(db => db.Plans.CountAsync()));
    }
}

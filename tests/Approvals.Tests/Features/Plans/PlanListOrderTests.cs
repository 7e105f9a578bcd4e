using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;

namespace Approvals.Tests.Features.Plans;

// On PostgreSQL the test database sorts as the official image does (English collation), where "ØU" falls
// between KFU and SOU and "a" before "B": the list must not depend on that.
[Collection(AppCollection.Name)]
public sealed class PlanListOrderTests(ApprovalsApp app)
{
    [Fact]
    public async Task Plans_are_listed_by_committee_code_then_title_whatever_the_database_collation()
    {
        var secretary = await app.ClientFor(Users.Secretary(Committee.Biu));
        foreach (var title in new[] { "b-plan om orden", "Andet forslag om orden", "Ældre plan om orden" })
        {
            await (await secretary.PostAsJsonAsync("/api/plans", new { committee = "BIU", title, objectives = Array.Empty<object>() })).ReadOk<PlanResponse>();
        }

        var coordinator = await app.ClientFor(Users.Coordinator);
        var plans = (await coordinator.AllPlans(""))!;

        var codes = plans.Select(p => p.Committee).Distinct().ToList();
        Assert.Equal(["BIU", "BUU", "KFU", "SOU", "SUD", "TMU", "ØU"], codes);
        var ours = plans.Where(p => p.Title.EndsWith("om orden", StringComparison.Ordinal)).Select(p => p.Title).ToList();
        Assert.Equal(["Andet forslag om orden", "b-plan om orden", "Ældre plan om orden"], ours);
    }

    [Theory]
    [InlineData("ØU")]
    [InlineData("øu")]
    [InlineData("oeu")]
    public async Task The_committee_with_a_non_ascii_code_is_found_however_it_is_written(string filter)
    {
        var coordinator = await app.ClientFor(Users.Coordinator);

        var plans = (await coordinator.AllPlans($"committee={Uri.EscapeDataString(filter)}"))!;

        Assert.NotEmpty(plans);
        Assert.All(plans, p => Assert.Equal("ØU", p.Committee));
    }
}

using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Comments;
using Approvals.Web.Features.Home;
using Approvals.Web.Features.Review;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.Home;

/// <summary>
/// The home page's task filter runs in the database; it must pick exactly the plans on which the runtime offers the
/// user an action that is allowed or blocked only by a guard (what <c>GET /api/plans/{id}/actions</c> shows).
/// </summary>
public sealed class MyTasksTests(ReviewApp app) : IClassFixture<ReviewApp>
{
    [Fact]
    public async Task The_database_filter_picks_exactly_the_plans_the_runtime_offers_each_user_an_action_on()
    {
        // Plans in every stage, one submitted by an account that also reviews (four-eyes: it may return it, not approve it).
        var dual = await app.CreateUser("Sekretær og sagsbehandler", Committee.Biu, Roles.Secretary, Roles.AdministrativeReviewer);
        var draft = await app.CreatePlan(Committee.Biu);
        var review = await app.CreatePlan(Committee.Biu);
        await app.Take(Users.Secretary(Committee.Biu), review.Id, "submit");
        var own = await app.CreatePlan(Committee.Biu);
        await app.Take(dual, own.Id, "submit");
        var committee = await app.CreatePlan(Committee.Biu);
        await app.Take(Users.Secretary(Committee.Biu), committee.Id, "submit");
        await app.Take(Users.AdministrativeReviewer, committee.Id, "approve");
        var council = await app.CreatePlan(Committee.Tmu);
        await app.Take(Users.Secretary(Committee.Tmu), council.Id, "submit");
        await app.Take(Users.AdministrativeReviewer, council.Id, "approve");
        await app.Take(Users.CommitteeApprover(Committee.Tmu), council.Id, "approve");
        var emails = new[]
        {
            dual, Users.Secretary(Committee.Biu), Users.Secretary(Committee.Tmu), Users.AdministrativeReviewer,
            Users.CommitteeApprover(Committee.Biu), Users.CommitteeApprover(Committee.Tmu), Users.CouncilApprover, Users.Coordinator, Users.Administrator,
        };

        foreach (var email in emails)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
            var workflows = scope.ServiceProvider.GetRequiredService<WorkflowRuntime>();
            var user = await PrincipalOf(scope.ServiceProvider, email);

            var filtered = await (await MyTasks.ForAsync(db.Plans.AsNoTracking(), user, workflows, default)).Select(p => p.Id).ToListAsync();
            var expected = new List<Guid>();
            var comments = await PlanComments.OpenByPlanAsync(db, db.Plans, default);
            foreach (var plan in await db.Plans.AsNoTracking().ToListAsync())
            {
                if (user.CanRead(plan.CommitteeCode) && (await workflows.ActionsFor(new GuardContext(plan, comments[plan.Id].ToList()), user.ToActor()))
                        .Any(o => o.Allowed || o.Blocked.All(b => WorkflowGuards.Find(b.Guard) is not null)))
                {
                    expected.Add(plan.Id);
                }
            }

            Assert.True(expected.Order().SequenceEqual(filtered.Order()), $"{email}: expected {expected.Count} tasks, the filter found {filtered.Count}");
        }

        var dualTasks = await TasksOf(dual);
        Assert.Contains(review.Id, dualTasks);
        Assert.Contains(draft.Id, dualTasks);
        Assert.Contains(own.Id, await TasksOf(Users.AdministrativeReviewer));
        Assert.Contains(council.Id, await TasksOf(Users.CouncilApprover));
        Assert.DoesNotContain(committee.Id, await TasksOf(Users.CommitteeApprover(Committee.Tmu)));
    }

    private async Task<List<Guid>> TasksOf(string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var user = await PrincipalOf(scope.ServiceProvider, email);
        var tasks = await MyTasks.ForAsync(scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>().Plans, user, scope.ServiceProvider.GetRequiredService<WorkflowRuntime>(), default);
        return await tasks.Select(p => p.Id).ToListAsync();
    }

    private static async Task<System.Security.Claims.ClaimsPrincipal> PrincipalOf(IServiceProvider services, string email)
    {
        var users = services.GetRequiredService<UserManager<AppUser>>();
        var factory = services.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>();
        return await factory.CreateAsync((await users.FindByEmailAsync(email))!);
    }
}

using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Tests.Api;
using Approvals.Tests.Features.Notifications;
using Approvals.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Approvals.Tests.Features.Plans;

/// <summary>
/// The seed and <see cref="Count"/> more BIU plans, each with two goals lacking an indicator, submitted by the BIU
/// secretary and waiting in administrative review: every one a task of the administrative reviewer and two rows of the
/// coverage report. The database commands are logged, to see what a page reads.
/// </summary>
public sealed class ManyPlansApp : LoggedApp, IAsyncLifetime
{
    public const int Count = 10_000;
    public const string TitlePrefix = "Mange planer ";
    public const string DbCommands = "Microsoft.EntityFrameworkCore.Database.Command";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(l => l.AddFilter<LogCapture>(DbCommands, LogLevel.Information));
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        var secretary = await Transitions.UserId(this, Users.Secretary(Committee.Biu));
        await using var scope = Services.CreateAsyncScope();
        var workflows = scope.ServiceProvider.GetRequiredService<WorkflowRuntime>();
        var content = new PlanContent([new Objective("Beskæftigelse", [
            new ResultGoal("1", "Flere i job", [], []),
            new ResultGoal("2", "Færre på ydelse", [new Indicator("??????")], []),
        ])]);
        for (var batch = 0; batch < Count / 1000; batch++)
        {
            var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
            db.ChangeTracker.Clear();
            for (var i = 0; i < 1000; i++)
            {
                var number = (batch * 1000) + i;
                db.Plans.Add(workflows.StartPlan(Committee.Biu, $"{TitlePrefix}{number:D5}", secretary, content, DateTime.UtcNow));
            }

            await db.SaveChangesAsync();
        }

        var database = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        await database.Plans.Where(p => p.Title.StartsWith(TitlePrefix)).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Stage, Stages.AdministrativeReview)
            .SetProperty(p => p.SubmittedBy, secretary));
    }

    /// <summary>The database commands logged since <paramref name="mark"/> (a count of log lines).</summary>
    public IEnumerable<string> CommandsSince(int mark) =>
        Logs.Lines.Skip(mark).Where(l => l.Category == DbCommands).Select(l => l.Message);
}

using Approvals.Core.Accounts;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Ui;
using Approvals.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Home;

/// <summary>My tasks and, for secretaries, my committee's plans: each list a page at a time, from the stored columns.</summary>
public sealed class IndexModel(ApprovalsDbContext db, WorkflowRuntime workflows, Delegation.Delegations delegations) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public int? TaskPage { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? PlanPage { get; set; }

    public PlanPage Tasks { get; private set; } = new([], 0, 1, PageSize);

    /// <summary>The tasks the user takes on someone else's authority while they are away: whose, by plan id.</summary>
    public IReadOnlyDictionary<Guid, string> TasksOnBehalfOf { get; private set; } = new Dictionary<Guid, string>();

    /// <summary>The own committee's plans; null for users who are not secretaries.</summary>
    public PlanPage? MyPlans { get; private set; }

    public bool IsSecretary => User.IsInRole(Roles.Secretary);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var plans = db.Plans.AsNoTracking();
        var tasks = await MyTasks.WithDelegationsAsync(plans, User, await delegations.ActorAsync(User, ct), workflows, ct);
        TasksOnBehalfOf = tasks.OnBehalfOf;
        Tasks = await PlanSummaries.PageAsync(db, tasks.Query, PlanOrder.DueThenCouncilOrderThenTitle, Requested(TaskPage), ct);
        if (IsSecretary)
        {
            var own = User.CommitteeCode();
            MyPlans = await PlanSummaries.PageAsync(db, plans.Where(p => p.CommitteeCode == own), PlanOrder.Title, Requested(PlanPage), ct);
        }
    }

    public PagerModel TaskPager(string label) => Pager(Tasks, label, page => Url.Page("/Home/Index", new { taskPage = page, planPage = PlanPage })!);

    public PagerModel PlanPager(string label) => Pager(MyPlans!, label, page => Url.Page("/Home/Index", new { taskPage = TaskPage, planPage = page })!);

    // A page number from a link: below 1 is the first page; past the end shows an empty page with the way back.
    private static PageRequest Requested(int? page) => new(Math.Max(1, page ?? 1), PageSize);

    private static PagerModel Pager(PlanPage page, string label, Func<int, string> url) =>
        new(page.Page, page.PageSize, page.Total, page.Items.Count, label, url);
}

using System.Security.Claims;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using FluentValidation;
using FluentValidation.Results;

namespace Approvals.Web.Features.Plans;

/// <summary>How starting a draft ended: created, refused for the user, or refused for the input.</summary>
public sealed record PlanDraftOutcome(Plan? Plan, string? Forbidden, IReadOnlyList<ValidationFailure> Failures)
{
    public static PlanDraftOutcome Created(Plan plan) => new(plan, null, []);
}

/// <summary>
/// The one way a plan is started: <c>POST /api/plans</c>, the new-plan page and the Word import all come here, so
/// the same input rules (<see cref="PlanInputValidator"/>) and the same access rule (only the committee's own
/// secretary) hold for each.
/// </summary>
public sealed class PlanDrafts(ApprovalsDbContext db, WorkflowRuntime workflows, IValidator<PlanInput> validator, TimeProvider clock)
{
    public async Task<PlanDraftOutcome> StartAsync(ClaimsPrincipal user, PlanInput input, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(input, ct);
        if (!validation.IsValid)
        {
            return new PlanDraftOutcome(null, null, validation.Errors);
        }

        var committee = Committee.Find(input.Committee)!;
        if (!user.CanWrite(committee.Code))
        {
            return new PlanDraftOutcome(null, $"You can start plans only for your own committee, not for {committee.Name}.", []);
        }

        var plan = workflows.StartPlan(committee, input.Title!, user.Id(), input.ToContent(), clock.GetUtcNow().UtcDateTime);
        db.Plans.Add(plan);
        await db.SaveChangesAsync(ct);
        return PlanDraftOutcome.Created(plan);
    }
}

using System.Linq.Expressions;
using System.Security.Claims;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Review;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Home;

/// <summary>
/// Plans waiting for the user: those where the workflow runtime offers them an action now, allowed or blocked by a
/// guard the plan does not meet yet (a reviewer still has the plan to deal with), by the same rule as
/// <c>GET /api/plans/{id}/actions</c> (<see cref="WorkflowRuntime.OffersActionTo"/>). That rule needs no content and no
/// guard: it compares the plan with the user by committee and by the people the four-eyes rule names. So the runtime
/// is asked once per workflow stage and each case of committee and submitter, and its answers become one filter the
/// database runs on the stored columns, which then counts and pages the tasks. Where the four-eyes lists (content
/// authors, earlier approvers: JSON in the plan's row, which the database cannot search) could take the user's last
/// action away, only those stages' candidates are read, without their content, and the runtime decides each.
/// </summary>
public static class MyTasks
{
    // A committee code no plan has, for the case "another committee's plan".
    private const string OtherCommittee = "\u0000other";

    public static Task<IQueryable<Plan>> ForAsync(IQueryable<Plan> plans, ClaimsPrincipal user, WorkflowRuntime workflows, CancellationToken ct) =>
        ForAsync(plans, user.ToActor(), user.IsOnlySecretary() ? user.CommitteeCode() : null, workflows, ct);

    /// <summary>
    /// The user's own tasks and, while delegations to them run, the tasks of each person who handed them their authority
    /// that the user may take in that capacity (the four-eyes rule holds for both), with whom each of those is for.
    /// </summary>
    /// <remarks>
    /// A delegator's tasks are found by the same filter as their own, then their positions (no content) are read and
    /// the runtime decides each for the delegate: delegations are few and short, and a reviewer's queue is what they work through.
    /// </remarks>
    public static async Task<DelegatedTasks> WithDelegationsAsync(
        IQueryable<Plan> plans, ClaimsPrincipal user, WorkflowActor actor, WorkflowRuntime workflows, CancellationToken ct)
    {
        var own = await ForAsync(plans, user, workflows, ct);
        var onBehalfOf = new Dictionary<Guid, string>();
        foreach (var given in actor.Delegated)
        {
            var theirs = await ForAsync(plans, new WorkflowActor(given.Id, given.Name, given.Roles, given.Committee), null, workflows, ct);
            var positions = await theirs
                .Select(p => new { p.Id, p.WorkflowId, p.WorkflowVersion, p.Stage, p.CommitteeCode, p.SubmittedBy, p.Revision, p.ContentAuthors, p.RevisionApprovers })
                .ToListAsync(ct);
            foreach (var c in positions)
            {
                var position = new PlanPosition(c.WorkflowId, c.WorkflowVersion, c.Stage, c.CommitteeCode, c.SubmittedBy, c.Revision, c.ContentAuthors, c.RevisionApprovers);
                if (workflows.CapacityFor(position, actor) is { OnBehalfOf: { } forWhom })
                {
                    onBehalfOf.TryAdd(c.Id, forWhom.Name);
                }
            }
        }

        if (onBehalfOf.Count == 0)
        {
            return new DelegatedTasks(own, onBehalfOf);
        }

        var delegated = onBehalfOf.Keys.ToList();
        return new DelegatedTasks(plans.Where(p => own.Select(o => o.Id).Contains(p.Id) || delegated.Contains(p.Id)), onBehalfOf);
    }

    /// <param name="onlyCommittee">The committee of a user who is only a secretary: they see no other committee's plans.</param>
    private static async Task<IQueryable<Plan>> ForAsync(IQueryable<Plan> plans, WorkflowActor actor, string? onlyCommittee, WorkflowRuntime workflows, CancellationToken ct)
    {
        var me = Expression.Constant(new Me(actor.Id, actor.Committee));
        var plan = Expression.Parameter(typeof(Plan), "p");
        Expression? any = null;
        Expression? listsMatter = null;
        foreach (var definition in workflows.Catalog.All)
        {
            foreach (var stage in definition.Stages)
            {
                var cases = new List<Expression>();
                var checkLists = false;
                foreach (var ownCommittee in actor.Committee is null ? new[] { false } : [false, true])
                {
                    foreach (var ownSubmission in new[] { false, true })
                    {
                        var position = new PlanPosition(definition.Id, definition.Version, stage.Id,
                            ownCommittee ? actor.Committee! : OtherCommittee, ownSubmission ? actor.Id : null, 1, [], []);
                        if (workflows.OffersActionTo(position, actor))
                        {
                            cases.Add(Expression.AndAlso(Committee(plan, me, actor, ownCommittee), Submitter(plan, me, ownSubmission)));
                            checkLists |= !workflows.OffersActionTo(position with { ContentAuthors = [actor.Id] }, actor)
                                || !workflows.OffersActionTo(position with { RevisionApprovers = [actor.Id] }, actor);
                        }
                    }
                }

                if (cases.Count == 0)
                {
                    continue;
                }

                var here = Expression.AndAlso(
                    Expression.AndAlso(
                        Equal(plan, nameof(Plan.WorkflowId), definition.Id),
                        Expression.Equal(Expression.Property(plan, nameof(Plan.WorkflowVersion)), Expression.Constant(definition.Version))),
                    Equal(plan, nameof(Plan.Stage), stage.Id));
                var all = cases.Count == (actor.Committee is null ? 2 : 4);
                var clause = all ? here : Expression.AndAlso(here, cases.Aggregate(Expression.OrElse));
                any = any is null ? clause : Expression.OrElse(any, clause);
                if (checkLists)
                {
                    listsMatter = listsMatter is null ? here : Expression.OrElse(listsMatter, here);
                }
            }
        }

        if (any is null)
        {
            return plans.Where(_ => false);
        }

        var mine = plans.Where(Expression.Lambda<Func<Plan, bool>>(any, plan));
        if (onlyCommittee is not null)
        {
            mine = mine.Where(p => p.CommitteeCode == onlyCommittee);
        }

        if (listsMatter is null)
        {
            return mine;
        }

        var candidates = await mine.Where(Expression.Lambda<Func<Plan, bool>>(listsMatter, plan))
            .Select(p => new { p.Id, p.WorkflowId, p.WorkflowVersion, p.Stage, p.CommitteeCode, p.SubmittedBy, p.Revision, p.ContentAuthors, p.RevisionApprovers })
            .ToListAsync(ct);
        var refused = candidates
            .Where(c => !workflows.OffersActionTo(
                new PlanPosition(c.WorkflowId, c.WorkflowVersion, c.Stage, c.CommitteeCode, c.SubmittedBy, c.Revision, c.ContentAuthors, c.RevisionApprovers), actor))
            .Select(c => c.Id)
            .ToList();
        return refused.Count == 0 ? mine : mine.Where(p => !refused.Contains(p.Id));
    }

    // The user's id and committee are read from this object, so the database gets them as parameters, as from a closure.
    private sealed record Me(string Id, string? Committee);

    private static Expression Committee(ParameterExpression plan, ConstantExpression me, WorkflowActor actor, bool own) =>
        own ? Expression.Equal(Expression.Property(plan, nameof(Plan.CommitteeCode)), Expression.Property(me, nameof(Me.Committee)))
        : actor.Committee is null ? Expression.Constant(true)
        : Expression.NotEqual(Expression.Property(plan, nameof(Plan.CommitteeCode)), Expression.Property(me, nameof(Me.Committee)));

    // C#'s null semantics, as EF Core translates them: a plan nobody has submitted is not the user's own submission.
    private static Expression Submitter(ParameterExpression plan, ConstantExpression me, bool own) =>
        own ? Expression.Equal(Expression.Property(plan, nameof(Plan.SubmittedBy)), Expression.Property(me, nameof(Me.Id)))
        : Expression.NotEqual(Expression.Property(plan, nameof(Plan.SubmittedBy)), Expression.Property(me, nameof(Me.Id)));

    private static BinaryExpression Equal(ParameterExpression plan, string property, string value) =>
        Expression.Equal(Expression.Property(plan, property), Expression.Constant(value, typeof(string)));
}

/// <summary>A user's tasks, and for those they take on someone else's authority, whose (by plan id).</summary>
public sealed record DelegatedTasks(IQueryable<Plan> Query, IReadOnlyDictionary<Guid, string> OnBehalfOf);

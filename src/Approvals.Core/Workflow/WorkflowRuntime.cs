using Approvals.Core.Accounts;
using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Core.Review;
using Stateless;

namespace Approvals.Core.Workflow;

/// <summary>The person taking an action: their roles, and the committee a committee-bound role ties them to.</summary>
public sealed record WorkflowActor(string Id, string Name, IReadOnlyCollection<string> Roles, string? Committee)
{
    /// <summary>
    /// The authority others handed this person while they are away (delegation), as the web layer resolved it for now:
    /// the actor may act as each of them too. Never passed on: a capacity acting for someone has no delegations of its own.
    /// </summary>
    public IReadOnlyList<DelegatedAuthority> Delegated { get; init; } = [];

    /// <summary>Whom this actor acts for besides themselves, in a capacity from <see cref="Capacities"/>; null when on their own authority.</summary>
    public DelegatedAuthority? OnBehalfOf { get; init; }

    /// <summary>
    /// Everyone answerable for what this actor does, whom the four-eyes rule applies to and whom an approval is
    /// recorded for: the actor, and the person they act for.
    /// </summary>
    public IReadOnlyList<string> People => OnBehalfOf is null ? [Id] : [Id, OnBehalfOf.Id];

    /// <summary>The ways this person may act: on their own authority first, then for each person who handed them theirs.</summary>
    public IEnumerable<WorkflowActor> Capacities()
    {
        yield return this with { Delegated = [], OnBehalfOf = null };
        foreach (var given in Delegated)
        {
            yield return this with { Roles = given.Roles, Committee = given.Committee, Delegated = [], OnBehalfOf = given };
        }
    }
}

/// <summary>A person's reviewer authority, handed to someone else while a delegation runs.</summary>
public sealed record DelegatedAuthority(string Id, string Name, IReadOnlyCollection<string> Roles, string? Committee);

/// <summary>
/// Where a plan stands in its workflow: what decides who may act on it (<see cref="WorkflowRuntime.OffersActionTo"/>),
/// without its content. Lists read these from the plan's stored columns.
/// </summary>
public sealed record PlanPosition(
    string WorkflowId,
    int WorkflowVersion,
    string Stage,
    string CommitteeCode,
    string? SubmittedBy,
    int Revision,
    IReadOnlyList<string> ContentAuthors,
    IReadOnlyList<string> RevisionApprovers)
{
    public static PlanPosition Of(Plan plan) =>
        new(plan.WorkflowId, plan.WorkflowVersion, plan.Stage, plan.CommitteeCode, plan.SubmittedBy, plan.Revision, plan.ContentAuthors, plan.RevisionApprovers);
}

/// <summary>A guard the plan does not pass, with what it found.</summary>
public sealed record UnmetGuard(string Guard, string Description, IReadOnlyList<GuardFinding> Findings);

/// <summary>An action out of the plan's stage that the actor's role allows, and whether they may take it now.</summary>
public sealed record ActionOption(TransitionDefinition Transition, ActionDefinition Action, StageDefinition To, IReadOnlyList<UnmetGuard> Blocked)
{
    public bool Allowed => Blocked.Count == 0;
}

/// <summary>What a transition wrote, for the caller to save in one transaction with the plan.</summary>
public sealed record TransitionResult(
    TransitionKind Kind,
    string FromStage,
    string ToStage,
    JournalEntry Journal,
    PlanRevision? FrozenRevision,
    IPlanEvent Event);

public enum RefusalReason
{
    /// <summary>The definition has no such action.</summary>
    UnknownAction,

    /// <summary>The action exists but does not leave the plan's current stage.</summary>
    NotPossibleInStage,

    /// <summary>The actor holds none of the roles the transition names.</summary>
    RoleNotAllowed,

    /// <summary>The actor's role is bound to another committee.</summary>
    OtherCommittee,

    /// <summary>Four-eyes: the actor wrote or submitted the revision they are trying to approve, or approved it already.</summary>
    FourEyes,

    CommentRequired,

    GuardsUnmet,
}

/// <summary>A transition the runtime refused. Nothing about the plan has changed.</summary>
public sealed class TransitionRefusedException(RefusalReason reason, string message, IReadOnlyList<UnmetGuard>? unmetGuards = null)
    : InvalidOperationException(message)
{
    public RefusalReason Reason { get; } = reason;

    public IReadOnlyList<UnmetGuard> UnmetGuards { get; } = unmetGuards ?? [];
}

/// <summary>
/// Runs plans through their pinned workflow definition on Stateless. The stage lives on the plan (external
/// state); every transition's guards are synchronous so <c>CanFire</c> reports them and diagrams show them.
/// </summary>
public sealed class WorkflowRuntime(WorkflowCatalog catalog)
{
    public WorkflowCatalog Catalog => catalog;

    /// <summary>Starts a plan on the newest published version of the committee-plan workflow, in its initial stage.</summary>
    public Plan StartPlan(Committee committee, string title, string ownerId, PlanContent content, DateTime nowUtc)
    {
        var definition = catalog.Latest(WorkflowIds.CommitteePlan);
        var plan = Plan.Start(committee, title, ownerId, content, definition.Id, definition.Version, definition.InitialStage, nowUtc);
        var (due, next) = Deadline(definition.Stage(definition.InitialStage), nowUtc);
        plan.SetDeadline(due, next);
        return plan;
    }

    /// <summary>The due time of a plan entering <paramref name="stage"/> now, and when its first notice falls.</summary>
    public static (DateTime? DueUtc, DateTime? NextDeadlineUtc) Deadline(StageDefinition stage, DateTime enteredUtc)
    {
        if (stage.Deadline is not { } deadline)
        {
            return (null, null);
        }

        var due = deadline.DueFrom(enteredUtc);
        return (due, deadline.NextNoticeAfter(enteredUtc, due, DateTime.MinValue));
    }

    public WorkflowDefinition DefinitionOf(Plan plan) => catalog.Get(plan.WorkflowId, plan.WorkflowVersion);

    public StageDefinition StageOf(Plan plan) => DefinitionOf(plan).FindStage(plan.Stage)
        ?? throw new InvalidOperationException($"Plan {plan.Id} is in stage '{plan.Stage}', which {DefinitionOf(plan)} does not define.");

    /// <summary>Whether the plan's content may be changed in its current stage, as its definition says.</summary>
    public bool IsEditable(Plan plan) => StageOf(plan).Editable;

    /// <summary>
    /// The actions out of the plan's stage that <paramref name="actor"/>'s roles allow on this plan: those they may
    /// take now, and those a guard or the four-eyes rule blocks, with the reasons.
    /// </summary>
    /// <remarks>
    /// Only for definitions whose guards read nothing but the plan: a guard that needs what a caller loads (the open
    /// comments of <c>comments-answered</c>) throws here. Pass a <see cref="GuardContext"/> instead.
    /// </remarks>
    public Task<IReadOnlyList<ActionOption>> ActionsFor(Plan plan, WorkflowActor actor) => ActionsFor(new GuardContext(plan), actor);

    /// <inheritdoc cref="ActionsFor(Plan, WorkflowActor)"/>
    /// <param name="context">The plan and what the caller loaded for the guards (its open comments).</param>
    public async Task<IReadOnlyList<ActionOption>> ActionsFor(GuardContext context, WorkflowActor actor)
    {
        var plan = context.Plan;
        var machine = new PlanMachine(DefinitionOf(plan), context, actor, DateTime.MinValue);
        var permitted = (await machine.Machine.GetPermittedTriggersAsync()).ToHashSet(StringComparer.Ordinal);
        var options = new List<ActionOption>();
        foreach (var transition in machine.Definition.TransitionsFrom(plan.Stage))
        {
            // Actions another role or another committee's member would take are not this person's to see.
            if (machine.Authority(transition) is { Reason: not RefusalReason.FourEyes })
            {
                continue;
            }

            IReadOnlyList<UnmetGuard> blocked = [];
            if (!permitted.Contains(transition.Action))
            {
                machine.Machine.CanFire(transition.Action, out var unmet);
                blocked = machine.Describe(transition, unmet);
            }

            options.Add(new ActionOption(transition, machine.Definition.FindAction(transition.Action)!, machine.Definition.Stage(transition.To), blocked));
        }

        return options;
    }

    /// <summary>
    /// Whether taking <paramref name="action"/> on the plan (or, when null, listing the actions out of its stage with
    /// <see cref="ActionsFor(GuardContext, WorkflowActor)"/>) may read the plan's content: a submit freezes it; a return
    /// finds the goals of the open comments it lists in it; a guard reads it when the stored flag counts do not settle
    /// it, or to find the goal of an earlier round's comment. A caller that read the plan without its content document
    /// loads it when this says so, and only then. An action the stage does not have reads nothing (it is refused first).
    /// </summary>
    /// <param name="copiesStoredContent">
    /// The caller writes a submit's frozen revision by copying the stored document (see <see cref="PlanRevision.ContentLoaded"/>):
    /// a submit then reads the content only where a guard does.
    /// </param>
    public bool ReadsContent(GuardContext context, string? action, bool copiesStoredContent = false)
    {
        var plan = context.Plan;
        var definition = DefinitionOf(plan);
        foreach (var transition in Considered(definition, plan, action))
        {
            if (transition.Guards.Any(name => WorkflowGuards.Get(name).ReadsContent(context)))
            {
                return true;
            }

            var kind = definition.KindOf(plan.Stage, transition.To);
            if (action is not null && ((kind == TransitionKind.Submit && !copiesStoredContent)
                || (kind == TransitionKind.Return && context.OpenComments?.Any(c => !c.Anchor.IsWholePlan) == true)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether taking <paramref name="action"/> on the plan (or, when null, listing the actions out of its stage) reads
    /// the plan's open comments: a guard such as <c>comments-answered</c> checks them, and a return lists them in its
    /// event. A caller loads them into the <see cref="GuardContext"/> when this says so; an approval through a stage
    /// without such a guard does not need the query. A guard that reads them without them fails loudly.
    /// </summary>
    public bool ReadsOpenComments(Plan plan, string? action)
    {
        var definition = DefinitionOf(plan);
        foreach (var transition in Considered(definition, plan, action))
        {
            if (transition.Guards.Any(name => WorkflowGuards.Get(name).ReadsOpenComments)
                || (action is not null && definition.KindOf(plan.Stage, transition.To) == TransitionKind.Return))
            {
                return true;
            }
        }

        return false;
    }

    // The transition an action takes out of the plan's stage, or every transition out of it when listing actions.
    private static IEnumerable<TransitionDefinition> Considered(WorkflowDefinition definition, Plan plan, string? action) =>
        action is null
            ? definition.TransitionsFrom(plan.Stage)
            : definition.Transition(plan.Stage, TextRules.Identifier(action) ?? "") is { } chosen ? [chosen] : [];

    /// <summary>
    /// Whether <paramref name="actor"/> may take some action out of the plan's stage, as far as their authority goes
    /// (role, committee, four-eyes): the plan is then theirs to deal with, whether or not its guards hold yet. This is
    /// exactly when <see cref="ActionsFor"/> offers an action that is allowed or blocked only by the definition's guards,
    /// and it needs no content: authority compares the plan only with the actor, by committee and by the people the
    /// four-eyes rule names (submitter, content authors, earlier approvers of the revision).
    /// </summary>
    public bool OffersActionTo(PlanPosition plan, WorkflowActor actor)
    {
        var definition = catalog.Get(plan.WorkflowId, plan.WorkflowVersion);
        return definition.TransitionsFrom(plan.Stage).Any(t => Authorise(definition, plan, t, actor).Refusal is null);
    }

    /// <summary>
    /// The capacity in which <paramref name="actor"/> may take some action out of the plan's stage (their own authority
    /// before any delegated one), or null when they may take none: who a task is for, and on whose behalf.
    /// </summary>
    public WorkflowActor? CapacityFor(PlanPosition plan, WorkflowActor actor)
    {
        var definition = catalog.Get(plan.WorkflowId, plan.WorkflowVersion);
        return definition.TransitionsFrom(plan.Stage).Select(t => Authorise(definition, plan, t, actor).As).FirstOrDefault(a => a is not null);
    }

    /// <summary>
    /// The first of the actor's capacities that may take <paramref name="transition"/>; otherwise the refusal to show:
    /// four-eyes when some capacity held the role for this committee (the action is theirs, but blocked), else the
    /// refusal of their own authority.
    /// </summary>
    private static (WorkflowActor? As, TransitionRefusedException? Refusal) Authorise(
        WorkflowDefinition definition, PlanPosition plan, TransitionDefinition transition, WorkflowActor actor)
    {
        TransitionRefusedException? shown = null;
        foreach (var capacity in actor.Capacities())
        {
            if (Authority(definition, plan, transition, capacity) is not { } refusal)
            {
                return (capacity, null);
            }

            if (shown is null || (refusal.Reason == RefusalReason.FourEyes && shown.Reason != RefusalReason.FourEyes))
            {
                shown = refusal;
            }
        }

        return (null, shown);
    }

    /// <summary>Whether one capacity may take <paramref name="transition"/> on the plan by role, committee and the four-eyes rule; null when it may.</summary>
    private static TransitionRefusedException? Authority(WorkflowDefinition definition, PlanPosition plan, TransitionDefinition transition, WorkflowActor actor)
    {
        var stage = definition.Stage(plan.Stage);
        var held = transition.Roles.Where(actor.Roles.Contains).ToList();
        if (held.Count == 0)
        {
            return new TransitionRefusedException(RefusalReason.RoleNotAllowed,
                $"Only {string.Join(" or ", transition.Roles)} may {transition.Action} a plan in stage '{stage.Name.En}'.");
        }

        if (!held.Any(role => !Roles.IsCommitteeBound(role) || actor.Committee == plan.CommitteeCode))
        {
            return new TransitionRefusedException(RefusalReason.OtherCommittee,
                $"As {string.Join(" and ", held)} of {actor.Committee ?? "no committee"} you may {transition.Action} only your own committee's plans; this plan belongs to {plan.CommitteeCode}.");
        }

        var kind = definition.KindOf(plan.Stage, transition.To);
        if (kind is TransitionKind.Approve or TransitionKind.Adopt && FourEyes.Objections(plan, actor) is { Count: > 0 } objections)
        {
            var acting = actor.OnBehalfOf is { } given ? $" (acting for {given.Name}, the rule holds for you both)" : "";
            var message = $"{string.Join(" ", objections.Select(o => o.Message))}{acting} Someone else must {transition.Action} it (four-eyes rule).";
            return new TransitionRefusedException(RefusalReason.FourEyes, message,
                [new UnmetGuard(FourEyes.Guard, message, objections)]);
        }

        return null;
    }

    /// <summary>
    /// Takes <paramref name="action"/> on the plan for <paramref name="actor"/>, or throws
    /// <see cref="TransitionRefusedException"/> without changing anything. On success the plan has moved and the
    /// result holds the journal entry, the frozen revision (on submit) and the event, to be saved with the plan.
    /// </summary>
    /// <remarks>Like <see cref="ActionsFor(Plan, WorkflowActor)"/>, only for guards that read nothing but the plan.</remarks>
    public TransitionResult Take(Plan plan, WorkflowActor actor, string action, string? comment, DateTime nowUtc) =>
        Take(new GuardContext(plan), actor, action, comment, nowUtc);

    /// <inheritdoc cref="Take(Plan, WorkflowActor, string, string?, DateTime)"/>
    /// <param name="context">The plan and what the caller loaded for the guards (its open comments, which a return's event lists).</param>
    public TransitionResult Take(GuardContext context, WorkflowActor actor, string action, string? comment, DateTime nowUtc)
    {
        var plan = context.Plan;
        var definition = DefinitionOf(plan);
        var stage = StageOf(plan);
        action = TextRules.Identifier(action) ?? "";
        if (definition.FindAction(action) is null)
        {
            throw new TransitionRefusedException(RefusalReason.UnknownAction,
                $"'{action}' is not an action of workflow {definition}. Use one of: {string.Join(", ", definition.Actions.Select(a => a.Id))} " +
                "(action names are compared exactly, so case matters; white space around them is ignored).");
        }

        var transition = definition.Transition(plan.Stage, action);
        if (transition is null)
        {
            var possible = definition.TransitionsFrom(plan.Stage).Select(t => t.Action).ToList();
            throw new TransitionRefusedException(RefusalReason.NotPossibleInStage,
                $"The plan is in stage '{stage.Name.En}' ({stage.Id}), where '{action}' is not possible. " +
                (possible.Count == 0 ? "No action leaves this stage." : $"Possible here: {string.Join(", ", possible)}."));
        }

        var machine = new PlanMachine(definition, context, actor, nowUtc);
        var (capacity, refusal) = machine.Authorise(transition);
        if (refusal is not null)
        {
            throw refusal;
        }

        actor = capacity!;

        if (transition.CommentRequired && TextRules.IsBlank(comment))
        {
            throw new TransitionRefusedException(RefusalReason.CommentRequired,
                $"To {action} a plan in stage '{stage.Name.En}', write a comment saying why, so the secretary knows what to change " +
                "(white space and invisible characters alone do not count).");
        }

        if (!machine.Machine.CanFire(action, out var unmetNames))
        {
            var unmet = machine.Describe(transition, unmetNames);
            var findings = unmet.SelectMany(u => u.Findings).Select(f => f.Message).ToList();
            throw new TransitionRefusedException(RefusalReason.GuardsUnmet,
                $"'{definition.FindAction(action)!.Name.En}' is blocked until the plan meets {string.Join(" and ", unmet.Select(u => u.Guard))}. " +
                string.Join(" ", findings.Count > 0 ? findings : unmet.Select(u => u.Description)),
                unmet);
        }

        var from = plan.Stage;
        var revision = plan.Revision;
        machine.Machine.Fire(action);
        var to = plan.Stage;

        var kind = definition.KindOf(from, to);
        PlanRevision? frozen = null;
        switch (kind)
        {
            case TransitionKind.Submit:
                frozen = PlanRevision.Freeze(plan, actor.Id, nowUtc);
                plan.MarkSubmittedBy(actor.Id);
                break;
            case TransitionKind.Approve or TransitionKind.Adopt:
                plan.RecordApproval(actor.People);
                break;
            case TransitionKind.Return:
                plan.OpenNextRevision();
                break;
        }

        var journal = JournalEntry.Record(plan.Id, action, from, to, actor.Id, actor.Name, nowUtc, comment, revision, actor.OnBehalfOf?.Id, actor.OnBehalfOf?.Name);
        var acting = definition.ActingRoles(to);
        var onBehalfOf = actor.OnBehalfOf?.Name;
        IPlanEvent planEvent = kind switch
        {
            TransitionKind.Submit => new PlanSubmitted(EventIds.Next(), plan.Id, plan.CommitteeCode, plan.Title, revision, from, to, actor.Id, nowUtc, acting)
            {
                OnBehalfOfName = onBehalfOf,
                ActorName = actor.Name,
                OwnerId = plan.OwnerId,
            },
            TransitionKind.Return => new PlanReturned(EventIds.Next(), plan.Id, plan.CommitteeCode, plan.Title, revision, from, to, actor.Id, nowUtc, acting, journal.Comment ?? "")
            {
                OpenComments = context.OpenComments?.Select(c => new ReturnedComment(c.Id, c.Anchor.IsWholePlan ? null : c.GoalNumberIn(plan.Content), Excerpt.Of(c.Text, Excerpt.QuoteLength))).ToList(),
                OnBehalfOfName = onBehalfOf,
                ActorName = actor.Name,
                OwnerId = plan.OwnerId,
            },
            TransitionKind.Adopt => new PlanAdopted(EventIds.Next(), plan.Id, plan.CommitteeCode, plan.Title, revision, from, to, actor.Id, nowUtc, acting)
            {
                OnBehalfOfName = onBehalfOf,
                ActorName = actor.Name,
                OwnerId = plan.OwnerId,
            },
            _ => new PlanApproved(EventIds.Next(), plan.Id, plan.CommitteeCode, plan.Title, revision, from, to, actor.Id, nowUtc, acting)
            {
                OnBehalfOfName = onBehalfOf,
                ActorName = actor.Name,
                OwnerId = plan.OwnerId,
            },
        };
        return new TransitionResult(kind, from, to, journal, frozen, planEvent);
    }

    /// <summary>
    /// One plan's state machine, configured from its definition for one actor. The actor's authority (role,
    /// committee, four-eyes) is a guard like the definition's named ones, so the permitted triggers Stateless
    /// reports are exactly the actions this person may take now.
    /// </summary>
    private sealed class PlanMachine
    {
        private const string AuthorityGuard = "authority";

        private readonly GuardContext _context;
        private readonly Plan _plan;
        private readonly WorkflowActor _actor;
        private readonly Dictionary<string, IReadOnlyList<GuardFinding>> _findings = new(StringComparer.Ordinal);

        public PlanMachine(WorkflowDefinition definition, GuardContext context, WorkflowActor actor, DateTime nowUtc)
        {
            Definition = definition;
            _context = context;
            _plan = context.Plan;
            var plan = _plan;
            _actor = actor;
            Machine = new StateMachine<string, string>(() => plan.Stage, stage =>
            {
                var (due, next) = Deadline(definition.Stage(stage), nowUtc);
                plan.MoveTo(stage, nowUtc, due, next);
            });
            // Only the plan's own stage: the machine is asked what may be done there, and fires one transition out of it.
            // Configuring every stage of the definition cost a reflection lookup per guard of every transition (Stateless
            // names each guard by its delegate's method) on every list of actions and every transition.
            var configuration = Machine.Configure(plan.Stage);
            foreach (var transition in definition.TransitionsFrom(plan.Stage))
            {
                var guards = transition.Guards
                    .Select(name => Tuple.Create<Func<bool>, string>(() => Findings(name).Count == 0, name))
                    .Prepend(Tuple.Create<Func<bool>, string>(() => Authority(transition) is null, AuthorityGuard))
                    .ToArray();
                configuration.PermitIf(transition.Action, transition.To, guards);
            }
        }

        public WorkflowDefinition Definition { get; }

        public StateMachine<string, string> Machine { get; }

        public TransitionRefusedException? Authority(TransitionDefinition transition) => Authorise(transition).Refusal;

        public (WorkflowActor? As, TransitionRefusedException? Refusal) Authorise(TransitionDefinition transition) =>
            WorkflowRuntime.Authorise(Definition, PlanPosition.Of(_plan), transition, _actor);

        /// <summary>Turns the guard names Stateless reports as unmet into what each guard found.</summary>
        public IReadOnlyList<UnmetGuard> Describe(TransitionDefinition transition, ICollection<string> unmetNames)
        {
            var unmet = new List<UnmetGuard>();
            if (unmetNames.Contains(AuthorityGuard) && Authority(transition) is { } refusal)
            {
                unmet.AddRange(refusal.Reason == RefusalReason.FourEyes ? refusal.UnmetGuards : [new UnmetGuard(AuthorityGuard, refusal.Message, [])]);
            }

            foreach (var name in transition.Guards.Where(unmetNames.Contains))
            {
                unmet.Add(new UnmetGuard(name, WorkflowGuards.Get(name).Description, Findings(name)));
            }

            return unmet;
        }

        private IReadOnlyList<GuardFinding> Findings(string guard)
        {
            if (!_findings.TryGetValue(guard, out var findings))
            {
                findings = WorkflowGuards.Get(guard).Check(_context);
                _findings[guard] = findings;
            }

            return findings;
        }
    }
}

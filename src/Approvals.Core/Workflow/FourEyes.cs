using Approvals.Core.Plans;

namespace Approvals.Core.Workflow;

/// <summary>
/// The four-eyes rule on approvals: a revision is approved only by people who neither wrote any of its content nor
/// submitted it, and each person approves a revision at most once, whatever roles they hold. It holds for every
/// person answerable for an action (<see cref="WorkflowActor.People"/>).
/// </summary>
public static class FourEyes
{
    /// <summary>The name blocked actions report it under, beside the definition's guards.</summary>
    public const string Guard = "four-eyes";

    public const string Submitted = "four-eyes-submitted";
    public const string Wrote = "four-eyes-wrote";
    public const string Approved = "four-eyes-approved";

    /// <summary>What keeps <paramref name="actor"/> from approving the plan's current revision; empty when nothing does.</summary>
    public static IReadOnlyList<GuardFinding> Objections(Plan plan, WorkflowActor actor) => Objections(PlanPosition.Of(plan), actor);

    /// <inheritdoc cref="Objections(Plan, WorkflowActor)"/>
    public static IReadOnlyList<GuardFinding> Objections(PlanPosition plan, WorkflowActor actor)
    {
        var findings = new List<GuardFinding>();
        foreach (var person in actor.People)
        {
            if (plan.SubmittedBy == person)
            {
                findings.Add(Finding(Submitted,
                    $"You submitted revision {plan.Revision} yourself.",
                    $"Du har selv indsendt udgave {plan.Revision}."));
            }

            if (plan.ContentAuthors.Contains(person, StringComparer.Ordinal))
            {
                findings.Add(Finding(Wrote,
                    $"You wrote part of the content of revision {plan.Revision}.",
                    $"Du har selv skrevet med på indholdet af udgave {plan.Revision}."));
            }

            if (plan.RevisionApprovers.Contains(person, StringComparer.Ordinal))
            {
                findings.Add(Finding(Approved,
                    $"You already approved revision {plan.Revision} at an earlier stage.",
                    $"Du har allerede godkendt udgave {plan.Revision} i en tidligere fase."));
            }
        }

        return findings;
    }

    private static GuardFinding Finding(string code, string message, string messageDa) => new(code, null, "", message, messageDa);
}

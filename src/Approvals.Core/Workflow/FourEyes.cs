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
            // The person the actor acts for is named: the rule holds for them as for the actor.
            var self = person == actor.Id;
            var other = actor.OnBehalfOf?.Name ?? person;
            if (plan.SubmittedBy == person)
            {
                findings.Add(Finding(Submitted,
                    self ? $"You submitted revision {plan.Revision} yourself." : $"{other}, whom you act for, submitted revision {plan.Revision}.",
                    self ? $"Du har selv indsendt udgave {plan.Revision}." : $"{other}, som du handler på vegne af, har indsendt udgave {plan.Revision}."));
            }

            if (plan.ContentAuthors.Contains(person, StringComparer.Ordinal))
            {
                findings.Add(Finding(Wrote,
                    self ? $"You wrote part of the content of revision {plan.Revision}." : $"{other}, whom you act for, wrote part of the content of revision {plan.Revision}.",
                    self ? $"Du har selv skrevet med på indholdet af udgave {plan.Revision}." : $"{other}, som du handler på vegne af, har skrevet med på indholdet af udgave {plan.Revision}."));
            }

            if (plan.RevisionApprovers.Contains(person, StringComparer.Ordinal))
            {
                findings.Add(Finding(Approved,
                    self ? $"You already approved revision {plan.Revision} at an earlier stage." : $"{other}, whom you act for, already approved revision {plan.Revision} at an earlier stage.",
                    self ? $"Du har allerede godkendt udgave {plan.Revision} i en tidligere fase." : $"{other}, som du handler på vegne af, har allerede godkendt udgave {plan.Revision} i en tidligere fase."));
            }
        }

        return findings;
    }

    private static GuardFinding Finding(string code, string message, string messageDa) => new(code, null, "", message, messageDa);
}

using Approvals.Core.Flags;
using Approvals.Core.Plans;
using Approvals.Web.Features.Plans;
using FluentValidation;
using FluentValidation.Results;

namespace Approvals.Web.Features.Documents;

/// <summary>
/// A document read for one committee: the plan (in the input shape of <c>POST /api/plans</c>), its content as it
/// would be saved, its flags (<see cref="PlanFlagger"/>, the rules of every saved plan) and the reader's warnings;
/// or why the file cannot become a plan: a <see cref="Problem"/> with the file, or <see cref="Failures"/> of
/// the API's input rules (a text longer than a plan may hold, too many goals).
/// </summary>
public sealed record ImportOutcome(
    ImportedPlan? Plan,
    PlanContent? Content,
    IReadOnlyList<Flag> Flags,
    DocumentProblem? Problem,
    IReadOnlyList<ValidationFailure> Failures)
{
    public bool Succeeded => Problem is null && Failures.Count == 0;
}

/// <summary>Reads an uploaded .docx into a plan preview. Saving it is <see cref="PlanDrafts"/>' work, as for any new plan.</summary>
public sealed class PlanImport(IValidator<PlanInput> validator, ILogger<PlanImport> logger)
{
    public async Task<ImportOutcome> PreviewAsync(byte[] file, Committee committee, CancellationToken ct)
    {
        if (DocxPackage.Check(file) is { } unsafeOrWrong)
        {
            return Refused(unsafeOrWrong);
        }

        ImportedPlan? plan;
        DocumentProblem? problem;
        try
        {
            (plan, problem) = DocxPlanReader.Read(file, committee);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // The package passed the checks but the SDK could not make a document of it (a missing content
            // types part, a broken relationship): the file's fault, not the server's.
            logger.LogInformation(e, "An uploaded .docx ({Bytes} bytes) could not be read", file.Length);
            return Refused(DocumentProblem.Damaged("its Word document could not be read"));
        }

        if (problem is not null)
        {
            return Refused(problem);
        }

        var validation = await validator.ValidateAsync(plan!.Input, ct);
        if (!validation.IsValid)
        {
            return new ImportOutcome(plan, null, [], null, validation.Errors);
        }

        var content = plan.Input.ToContent();
        return new ImportOutcome(plan, content, PlanFlagger.Evaluate(content), null, []);
    }

    private static ImportOutcome Refused(DocumentProblem problem) => new(null, null, [], problem, []);
}

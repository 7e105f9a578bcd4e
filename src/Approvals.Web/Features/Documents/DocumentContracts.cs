using Approvals.Core.Plans;
using Approvals.Web.Features.Flags;
using Approvals.Web.Features.Plans;
using Approvals.Web.Infrastructure;
using System.ComponentModel;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;

namespace Approvals.Web.Features.Documents;

/// <summary><c>POST /api/plans/import?committee=&amp;save=</c>: the committee whose plan to read, and whether to save it.</summary>
public sealed record ImportRequest(
    [property: Description("The committee whose part of the document to read: a code or slug (ØU, oeu). Only its secretary may import.")]
    [FromQuery(Name = "committee")] string? Committee,
    [property: Description("true to create the draft (201); left out or false for a preview that saves nothing (200).")]
    [FromQuery(Name = "save")] string? Save)
{
    public bool Saves => Save == "1" || (bool.TryParse(Save, out var save) && save);
}

internal sealed class ImportRequestValidator : AbstractValidator<ImportRequest>
{
    public ImportRequestValidator()
    {
        RuleFor(r => r.Committee)
            .NotBlank().WithMessage($"Name the committee whose plan to import: ?committee= one of {Core.Plans.Committee.ValidCodes}.")
            .Must(c => Core.Plans.Committee.Find(c) is not null).When(r => !Core.TextRules.IsBlank(r.Committee), ApplyConditionTo.CurrentValidator)
            .WithMessage(r => $"'{r.Committee}' is not a committee. Use one of {Core.Plans.Committee.ValidCodes}.");
        RuleFor(r => r.Save)
            .Must(s => s is "1" or "0" || bool.TryParse(s, out _))
            .When(r => r.Save is not null)
            .WithMessage(r => $"'{r.Save}' is not a yes or no. Use save=true to create the draft, or leave it out for a preview.");
    }
}

/// <summary>
/// What a document would become, nothing saved: the plan in the input shape of <c>POST /api/plans</c> (numbers as
/// they would be stored), its flags as for any saved plan, and what the reader warns about.
/// </summary>
public sealed record ImportPreviewResponse(
    string Committee,
    string Title,
    IReadOnlyList<ObjectiveInput> Objectives,
    IReadOnlyList<FlagResponse> Flags,
    IReadOnlyList<ImportWarningResponse> Warnings)
{
    public static ImportPreviewResponse From(ImportOutcome outcome, bool english) => new(
        outcome.Plan!.Input.Committee!,
        outcome.Plan.Input.Title!.Trim(),
        Inputs(outcome.Content!),
        outcome.Flags.Select(f => FlagResponse.From(f, english)).ToList(),
        outcome.Plan.Warnings.Select(w => ImportWarningResponse.From(w, english)).ToList());

    private static List<ObjectiveInput> Inputs(PlanContent content) => content.Objectives
        .Select(o => new ObjectiveInput(o.Title, o.Goals
            .Select(g => new GoalInput(
                g.Number,
                g.Text,
                g.Indicators.Select(i => new TextInput(i.Text)).ToList(),
                g.Activities.Select(a => new TextInput(a.Text)).ToList()))
            .ToList()))
        .ToList();
}

public sealed record ImportWarningResponse(string Code, int Table, IReadOnlyList<string> Goals, string Message, string MessageDa, string MessageEn)
{
    public static ImportWarningResponse From(ImportWarning warning, bool english) =>
        new(warning.Code, warning.Table, warning.Goals, warning.Message(english), warning.MessageDa, warning.MessageEn);
}

/// <summary><c>GET /api/plans/{id}/document?revision=</c>: the plan's current content, or a submitted revision of it.</summary>
public sealed record ExportRequest(
    Guid Id,
    [property: Description("A submitted revision's number (from 1), to download it as it was frozen; left out for the plan as it is now.")]
    [FromQuery(Name = "revision")] string? Revision)
{
    public int? RevisionNumber => int.TryParse(Revision, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
}

internal sealed class ExportRequestValidator : AbstractValidator<ExportRequest>
{
    public ExportRequestValidator() =>
        RuleFor(r => r.Revision)
            .Must(r => int.TryParse(r, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1)
            .When(r => r.Revision is not null)
            .WithMessage(r => $"'{r.Revision}' is not a revision number. Use a whole number from 1 (see GET /api/plans/{{id}}/revisions), or leave it out for the plan as it is now.");
}

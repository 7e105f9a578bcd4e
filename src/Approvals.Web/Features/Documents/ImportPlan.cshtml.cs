using System.Text.RegularExpressions;
using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Ui;
using FluentValidation.Results;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Documents;

/// <summary>
/// A secretary uploads the committee's plan as a .docx, sees it as it would be saved (flags beside the goals, the
/// reader's warnings), then creates the draft. The same reader and rules as <c>POST /api/plans/import</c>; the draft
/// is created by <see cref="PlanDrafts"/>, as every plan is. The preview travels to "Opret kladde" as a protected
/// token (<see cref="ImportPreviewTokens"/>), so nothing is kept on the server between the two posts.
/// </summary>
/// <remarks>
/// The upload is read from the request stream by <see cref="DocxUpload"/> (the 10 MB limit counted as it arrives),
/// so neither model binding (<see cref="StreamedFormAttribute"/>) nor the framework's antiforgery filter, which
/// would both buffer the whole form first, touch the form of this page: the token is checked by hand in both
/// handlers, before anything is parsed or saved.
/// </remarks>
[Authorize(Policy = Policies.WritePlans)]
[IgnoreAntiforgeryToken]
[StreamedForm]
[RequestSizeLimit(DocxUpload.MaxReadBytes)]
public sealed partial class ImportPlanModel(
    PlanImport import, PlanDrafts drafts, ImportPreviewTokens tokens, IAntiforgery antiforgery, IStringLocalizer<UiText> t)
    : PageModel
{
    public Committee Committee => Committee.Find(User.CommitteeCode())
        ?? throw new InvalidOperationException("A secretary's account names no committee.");

    public ImportOutcome? Outcome { get; private set; }

    public PlanFlagIndex? Flags { get; private set; }

    /// <summary>The protected preview the "Opret kladde" form posts back.</summary>
    public string? Token { get; private set; }

    public string? FileName { get; private set; }

    /// <summary>Why the file was refused, in the UI's language.</summary>
    public string? Problem { get; private set; }

    /// <summary>The API's input rules the document breaks, each with where in the plan.</summary>
    public IReadOnlyList<string> Failures { get; private set; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        var upload = await DocxUpload.ReadAsync(Request, ct);
        if (upload.Problem is { Kind: DocumentProblemKind.TooLarge or DocumentProblemKind.NotMultipart } early)
        {
            // Refused before the form's token could be read; showing why changes nothing.
            return Refuse(early);
        }

        HttpContext.Features.Set<IFormFeature>(new FormFeature(new FormCollection(upload.Fields.ToDictionary())));
        if (!await antiforgery.IsRequestValidAsync(HttpContext))
        {
            return BadRequest();
        }

        if (upload.Problem is { } problem)
        {
            return Refuse(problem);
        }

        FileName = upload.FileName;
        var outcome = await import.PreviewAsync(upload.File!, Committee, ct);
        if (outcome.Problem is { } unreadable)
        {
            return Refuse(unreadable);
        }

        if (outcome.Failures.Count > 0)
        {
            Failures = outcome.Failures.Select(Describe).ToList();
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        Outcome = outcome;
        Flags = new PlanFlagIndex(outcome.Flags);
        Token = tokens.Protect(outcome.Plan!.Input, User.Id());
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(HttpContext))
        {
            return BadRequest();
        }

        var form = await Request.ReadFormAsync(ct);
        if (tokens.Unprotect(form["preview"], User.Id()) is not { } input)
        {
            Problem = t["Documents.Expired"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var created = await drafts.StartAsync(User, input, ct);
        if (created.Forbidden is not null)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        if (created.Plan is not { } plan)
        {
            Failures = created.Failures.Select(Describe).ToList();
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        TempData[nameof(ViewPlanModel.Status)] = t["Documents.Created"].Value;
        return RedirectToPage("/Plans/ViewPlan", new { id = plan.Id });
    }

    private PageResult Refuse(DocumentProblem problem)
    {
        Problem = problem.Kind == DocumentProblemKind.CommitteeNotInDocument
            ? t["Documents.Problem.CommitteeNotInDocument", Committee.Code, string.Join(", ", problem.Committees)]
            : t[$"Documents.Problem.{problem.Kind}"];
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary>"Objectives[0].Goals[2].Text" and its rule, as "Målsætning 1, resultatmål 3: Må højst være 4000 tegn (der er 4100)."</summary>
    private string Describe(ValidationFailure failure)
    {
        var where = new List<string>();
        foreach (Match step in PathStep().Matches(failure.PropertyName))
        {
            var position = step.Groups["index"].Success ? int.Parse(step.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture) + 1 : (int?)null;
            var name = t[$"Documents.Path.{step.Groups["name"].Value}"];
            if (!name.ResourceNotFound)
            {
                where.Add(position is { } n ? $"{name.Value} {n}" : name.Value);
            }
        }

        var message = failure.ErrorCode == "MaximumLengthValidator" &&
            failure.FormattedMessagePlaceholderValues?.TryGetValue("MaxLength", out var max) == true
            ? t["Validation.MaxLength", max, failure.FormattedMessagePlaceholderValues.TryGetValue("TotalLength", out var total) ? total : "?"].Value
            : failure.ErrorMessage;
        if (where.Count == 0)
        {
            return message;
        }

        var place = string.Join(", ", where);
        return $"{char.ToUpper(place[0], System.Globalization.CultureInfo.CurrentCulture)}{place[1..]}: {message}";
    }

    [GeneratedRegex(@"(?<name>[A-Za-z]+)(\[(?<index>\d+)\])?")]
    private static partial Regex PathStep();
}

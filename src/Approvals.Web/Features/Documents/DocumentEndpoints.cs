using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Delegation;
using Approvals.Web.Features.Flags;
using Approvals.Web.Features.Plans;
using Approvals.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.OpenApi;

namespace Approvals.Web.Features.Documents;

/// <summary>Plans in and out of Word: import a committee's plan from its .docx table, export a plan as a .docx.</summary>
public static class DocumentEndpoints
{
    public static void AddDocuments(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<PlanImport>();
        builder.Services.AddSingleton<ImportPreviewTokens>();
    }

    public static void MapDocuments(this IEndpointRouteBuilder app)
    {
        var documents = app.MapGroup("/api/plans").WithTags("Documents");

        documents.MapPost("/import", Import)
            .RequireAuthorization(Policies.WritePlans)
            .Validate<ImportRequest>()
            // Called with a bearer token, which a cross-site form cannot send; the page's upload keeps its antiforgery token.
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(DocxUpload.MaxReadBytes))
            // The form is read from the stream by DocxUpload, so the request body is described here; an Accepts()
            // would make routing answer other content types with a bare 415 instead of the 400 saying what to send.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = UploadBody();
                return Task.CompletedTask;
            })
            .WithName("importPlan")
            .WithSummary("Import a committee's plan from a Word document (.docx)")
            .WithDescription(
                "Reads the committee's part of the uploaded .docx (multipart field `file`, at most 10 MB): every table whose header row " +
                "names Nr., Resultatmål and Indikator (and Aktiviteter), under the nearest \"Målsætning:\" paragraph or heading. " +
                "Without `save` it answers 200 with a preview (the plan in the shape of POST /api/plans, its flags and the reader's warnings) " +
                "and saves nothing; with `save=true` it creates the draft and answers 201 like POST /api/plans. Only the committee's secretary may import.")
            .Produces<ImportPreviewResponse>(StatusCodes.Status200OK)
            .Produces<PlanResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        documents.MapGet("/{id:guid}/document", Export)
            .Validate<ExportRequest>()
            .WithName("exportPlanDocument")
            .WithSummary("Download a plan as a Word document (.docx)")
            .WithDescription(
                "The plan as a .docx for the council's papers: title, committee, stage, revision and date, then per objective a heading and " +
                "the table Nr. / Resultatmål / Indikator / Aktiviteter, with \"Mangler indikator\" at each goal without a real indicator. " +
                "`revision=n` gives submitted revision n as it was frozen. Read access as GET /api/plans/{id}; importing the file gives the same plan.")
            .Produces(StatusCodes.Status200OK, contentType: DocxPlanWriter.ContentType)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Responses ??= [];
                operation.Responses["200"] = new OpenApiResponse
                {
                    Description = "The .docx; Content-Disposition names the file after committee and plan.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        [DocxPlanWriter.ContentType] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                    },
                };
                return Task.CompletedTask;
            })
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static OpenApiRequestBody UploadBody() => new()
    {
        Required = true,
        Description = "The Word document (.docx, at most 10 MB) as multipart/form-data.",
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["multipart/form-data"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { DocxUpload.FileField },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        [DocxUpload.FileField] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "The plan's .docx file." },
                    },
                },
            },
        },
    };

    private static async Task<Results<Ok<ImportPreviewResponse>, CreatedAtRoute<PlanResponse>, ProblemHttpResult, ValidationProblem>> Import(
        [AsParameters] ImportRequest request, HttpContext http, PlanImport import, PlanDrafts drafts, CancellationToken ct)
    {
        var committee = Committee.Find(request.Committee)!;
        if (!http.User.CanWrite(committee.Code))
        {
            return Problems.Forbidden($"Only {committee.Name}'s secretary can import its plan.");
        }

        var upload = await DocxUpload.ReadAsync(http.Request, ct);
        if (upload.Problem is { } uploadProblem)
        {
            return Problems.Validation(uploadProblem.Field, uploadProblem.Message);
        }

        var outcome = await import.PreviewAsync(upload.File!, committee, ct);
        if (outcome.Problem is { } problem)
        {
            return Problems.Validation(problem.Field, problem.Message);
        }

        if (outcome.Failures.Count > 0)
        {
            return Problems.Validation(outcome.Failures);
        }

        if (!request.Saves)
        {
            var english = FlagLanguage.PrefersEnglish(http.Request, null);
            http.Response.Headers.ContentLanguage = english ? FlagLanguage.English : FlagLanguage.Danish;
            return TypedResults.Ok(ImportPreviewResponse.From(outcome, english));
        }

        var created = await drafts.StartAsync(http.User, outcome.Plan!.Input, ct);
        if (created.Plan is not { } plan)
        {
            return created.Forbidden is { } forbidden ? Problems.Forbidden(forbidden) : Problems.Validation(created.Failures);
        }

        http.Response.Headers.ETag = ETags.For(plan);
        return TypedResults.CreatedAtRoute(PlanResponse.From(plan), PlanEndpoints.GetPlanRoute, new { id = plan.Id });
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Export(
        [AsParameters] ExportRequest request, HttpContext http, ApprovalsDbContext db, WorkflowRuntime workflows, TimeProvider clock, CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == request.Id, ct);
        if (plan is null)
        {
            return Problems.NotFound($"There is no plan with id {request.Id}.");
        }

        if (!await http.CanReadAsync(plan.CommitteeCode, ct))
        {
            return Problems.Forbidden($"You can read only your own committee's plans; this plan belongs to {plan.Committee.Name}.");
        }

        var stage = workflows.DefinitionOf(plan).FindStage(plan.Stage)?.Name.Da ?? plan.Stage;
        PlanDocument document;
        if (request.RevisionNumber is { } number)
        {
            var revision = await db.PlanRevisions.AsNoTracking().FirstOrDefaultAsync(r => r.PlanId == plan.Id && r.Number == number, ct);
            if (revision is null)
            {
                return Problems.NotFound($"Plan {plan.Id} has no submitted revision {number}. A revision exists once it has been submitted.");
            }

            document = new PlanDocument(revision.Title, plan.Committee, stage, revision.Number, plan.Revision, revision.SubmittedUtc, revision.Content);
        }
        else
        {
            document = new PlanDocument(plan.Title, plan.Committee, stage, plan.Revision, plan.Revision, plan.UpdatedUtc, plan.Content);
        }

        var bytes = DocxPlanWriter.Write(document, clock.GetUtcNow().UtcDateTime);
        http.Response.Headers.ContentDisposition = DocumentFileName.Disposition(
            DocumentFileName.For(plan.CommitteeCode, document.Title, request.RevisionNumber));
        return TypedResults.File(bytes, DocxPlanWriter.ContentType);
    }
}

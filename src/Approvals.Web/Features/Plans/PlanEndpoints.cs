using System.Data;
using System.Data.Common;
using System.Text;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.ApiReference;
using Approvals.Web.Features.Delegation;
using Approvals.Web.Infrastructure;
using Approvals.Web.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Approvals.Web.Features.Plans;

public static class PlanEndpoints
{
    /// <summary>The route name of GET /api/plans/{id}, which creating answers point to.</summary>
    public const string GetPlanRoute = "getPlan";

    public static void AddPlans(this WebApplicationBuilder builder) => builder.Services.AddScoped<PlanDrafts>();

    public static void MapPlans(this IEndpointRouteBuilder app)
    {
        var plans = app.MapGroup("/api/plans").WithTags("Plans");
        plans.MapGet("/", List)
            .WithName("listPlans")
            .WithSummary("List plans a page at a time, with their flag counts")
            .WithDescription("Every plan you may read (a secretary: the own committee's), ordered by committee and title, with stage, revision, " +
                "goal and flag counts and due time, as `{items, total, page, pageSize}`. `committee` (code or slug) and `stage` (a stage id) narrow " +
                "the list, `search` (at most 200 characters, taken literally, case-insensitive) finds plans by title or by any text of their objectives, " +
                "goals, indicators and activities; `page` (from 1) and `pageSize` choose the page. An unknown or out-of-range value is a 400 naming it.")
            .ProducesValidationProblem();
        plans.MapGet("/{id:guid}", Get)
            .WithName(GetPlanRoute)
            .WithSummary("Read a plan")
            .WithDescription("The whole plan: its objectives, goals, indicators and activities with their ids, its stage, revision and flag counts. " +
                "The ETag header (also `eTag` in the body) is the version to send in If-Match when changing the plan or acting on it. " +
                "A secretary reads only the own committee's plans (403).")
            .ReturnsETag()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        plans.MapPost("/", Create).RequireAuthorization(Policies.WritePlans).Validate<PlanInput>()
            .WithName("createPlan")
            .WithSummary("Start a draft plan for your committee")
            .WithDescription("Creates a draft from `{committee, title, objectives}` for the committee's own secretary (403 for another committee). " +
                "Items get ids; goals without a real indicator are accepted and flagged, not refused. 201 with the plan, its Location and ETag.")
            .ReturnsETag();
        plans.MapPut("/{id:guid}", Update).RequireAuthorization(Policies.WritePlans).Validate<PlanInput>()
            .WithName("updatePlan")
            .WithSummary("Replace a draft plan's content")
            .WithDescription("Replaces title and content of a plan in an editable stage (409 otherwise), for the committee's own secretary. " +
                "Send back the ids GET returned (an item without an id is new; an id the plan does not have is a 400) and the plan's ETag " +
                "in If-Match: 428 without it, 412 when someone changed the plan since. 200 with the plan and its new ETag.")
            .ReturnsETag()
            .RequiresIfMatch(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>A page of plan summaries, by committee code then title (each by code point), with the total.</summary>
    private static async Task<Results<Ok<PlanPage>, ValidationProblem>> List(
        string? committee, string? stage, string? search, int? page, int? pageSize, HttpContext http, ApprovalsDbContext db, WorkflowCatalog workflows,
        CancellationToken ct)
    {
        if (PageRequest.TryCreate(page, pageSize, out var request) is { } invalid)
        {
            return invalid;
        }

        if (search is { Length: > PlanSearch.MaxLength })
        {
            return Problems.Validation("search", $"The search is {search.Length} characters long; search for at most {PlanSearch.MaxLength}.");
        }

        if (search is not null && search.Any(char.IsControl))
        {
            return Problems.Validation("search", "The search holds a control character (such as NUL or a line break); search for plain text.");
        }

        var query = db.Plans.AsNoTracking();
        if (committee is not null)
        {
            if (Committee.Find(committee) is not { } c)
            {
                return Problems.Validation("committee", $"'{committee}' is not a committee. Use one of {Committee.ValidCodes}.");
            }

            query = query.Where(p => p.CommitteeCode == c.Code);
        }

        if (stage is not null)
        {
            if (workflows.StageId(stage) is not { } stageId)
            {
                return Problems.Validation("stage", $"'{stage}' is not a stage. Use one of {string.Join(", ", workflows.StageIdsInOrder)} (case matters).");
            }

            query = query.Where(p => p.Stage == stageId);
        }

        if (!string.IsNullOrWhiteSpace(search))
        {
            query = query.Matching(db, search);
        }

        if (!http.User.HasAnyRole())
        {
            // An account without a role (a new one, or one whose roles were taken away) reads no plan.
            return TypedResults.Ok(new PlanPage([], 0, request.Page, request.PageSize));
        }

        if (http.User.IsOnlySecretary())
        {
            var own = http.User.CommitteeCode();
            query = query.Where(p => p.CommitteeCode == own);
        }

        return TypedResults.Ok(await PlanSummaries.PageAsync(db, query, PlanOrder.CommitteeCodeThenTitle, request, ct));
    }

    /// <summary>
    /// The plan's row, then its stored document with the row's concurrency token in one statement: the document is
    /// copied into the answer as stored (<see cref="StoredPlanJson"/>) when it belongs to the version the row was read
    /// at. A plan changed in between, or a document stored before items had ids, is read the usual way, row and
    /// document together.
    /// </summary>
    private static async Task<Results<StoredPlanJson, ProblemHttpResult>> Get(
        Guid id, HttpContext http, ApprovalsDbContext db, PreparedReads reads, CancellationToken ct)
    {
        // One statement, prepared once (see PreparedReads): the plan's own fields and its stored document, from one row
        // at one moment, so the answer cannot mix two versions of the plan.
        var stored = await StoredPlan.ReadAsync(db, reads, id, ct);
        if (stored is null)
        {
            return Problems.NotFound($"There is no plan with id {id}.");
        }

        if (!await http.CanReadAsync(stored.Head.Committee, ct))
        {
            return Problems.Forbidden($"You can read only your own committee's plans; this plan belongs to {stored.Head.CommitteeName}.");
        }

        var answer = stored.Content is { } content ? StoredPlanJson.FromStored(stored.Head, content) : null;
        var etag = stored.Head.ETag;
        if (answer is null)
        {
            // A document stored before its items carried ids (or none at all): read through the model, which gives them.
            var plan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
            if (plan is null)
            {
                return Problems.NotFound($"There is no plan with id {id}.");
            }

            answer = StoredPlanJson.Of(PlanResponse.From(plan));
            etag = ETags.For(plan);
        }

        http.Response.Headers.ETag = etag;
        return answer;
    }

    /// <summary>A plan's own fields (<see cref="PlanResponse.Head"/>) and its stored document as UTF-8, from one row.</summary>
    private sealed record StoredPlan(PlanResponse Head, byte[]? Content)
    {
        private const string Sql = """
            SELECT p."CommitteeCode", p."Title", p."OwnerId", p."Stage", p."Revision", p."WorkflowId", p."WorkflowVersion",
                   p."CreatedUtc", p."UpdatedUtc", p."GoalCount", p."ErrorCount", p."WarningCount", p."ConcurrencyToken", c."Content"
            FROM "Plans" p LEFT JOIN "PlanContents" c ON c."Id" = p."Id"
            WHERE p."Id" = @id
            """;

        /// <summary>
        /// Past EF Core's query pipeline (translating, caching and shaping a query that has nothing to map) and, on
        /// SQLite, prepared once: the read costs about what the database costs. On SQLite the document's bytes are
        /// read as stored, without a detour through a .NET string.
        /// </summary>
        public static Task<StoredPlan?> ReadAsync(ApprovalsDbContext db, PreparedReads reads, Guid id, CancellationToken ct) =>
            reads.ReadAsync(db, Sql, reader => reader.Read() ? From(reader, id) : null, ct, ("@id", id));

        private static StoredPlan From(DbDataReader reader, Guid id)
        {
            var committee = reader.GetString(0);
            var head = new PlanResponse(
                id,
                committee,
                Committee.Find(committee)?.Name ?? committee,
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetInt32(4),
                reader.GetString(5),
                reader.GetInt32(6),
                reader.GetUtcDateTime(7),
                reader.GetUtcDateTime(8),
                reader.GetInt32(9),
                reader.GetInt32(10),
                reader.GetInt32(11),
                ETags.Of(reader.GetFieldValue<Guid>(12)),
                []);
            byte[]? content = reader.IsDBNull(13) ? null
                : reader is Microsoft.Data.Sqlite.SqliteDataReader ? reader.GetFieldValue<byte[]>(13)
                : Encoding.UTF8.GetBytes(reader.GetString(13));
            return new StoredPlan(head, content);
        }
    }

    private static async Task<Results<CreatedAtRoute<PlanResponse>, ProblemHttpResult, ValidationProblem>> Create(
        PlanInput input, HttpContext http, PlanDrafts drafts, CancellationToken ct)
    {
        var outcome = await drafts.StartAsync(http.User, input, ct);
        if (outcome.Plan is not { } plan)
        {
            return outcome.Forbidden is { } forbidden ? Problems.Forbidden(forbidden) : Problems.Validation(outcome.Failures);
        }

        http.Response.Headers.ETag = ETags.For(plan);
        return TypedResults.CreatedAtRoute(PlanResponse.From(plan), GetPlanRoute, new { id = plan.Id });
    }

    private static async Task<Results<Ok<PlanResponse>, ProblemHttpResult, ValidationProblem>> Update(
        Guid id, PlanInput input, [FromHeader(Name = "If-Match")] string? ifMatch,
        HttpContext http, ApprovalsDbContext db, WorkflowRuntime workflows, TimeProvider clock, CancellationToken ct)
    {
        var plan = await db.Plans.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null)
        {
            return Problems.NotFound($"There is no plan with id {id}.");
        }

        if (!http.User.CanWrite(plan.CommitteeCode))
        {
            return Problems.Forbidden($"You can change only your own committee's plans; this plan belongs to {plan.Committee.Name}.");
        }

        if (Committee.Find(input.Committee)!.Code != plan.CommitteeCode)
        {
            return Problems.Validation("committee", $"A plan cannot move to another committee; this plan belongs to {plan.CommitteeCode}.");
        }

        if (!ETags.NamesAVersion(ifMatch))
        {
            return Problems.PreconditionRequired(
                "Send the plan's ETag as GET /api/plans/{id} returned it in an If-Match header (If-Match: \"…\"), so a change made by someone else " +
                "since you read the plan is not overwritten. If-Match: * names no version and is not accepted.");
        }

        if (!ETags.Matches(ifMatch!, plan))
        {
            return Problems.PreconditionFailed("Someone else changed the plan after you read it. Fetch it again, reapply your changes and save.");
        }

        var content = input.ToContent();
        if (ContentIds.Unknown(plan.Content, content) is [var unknown, ..])
        {
            return Problems.Validation(unknown.Path,
                $"The plan has no {unknown.KindName} with id '{unknown.Id}'. Send the ids GET /api/plans/{id} returned, and leave the id out for a new {unknown.KindName}.");
        }

        try
        {
            plan.Edit(http.User.Id(), input.Title!, content, workflows.IsEditable(plan), clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
        }
        catch (PlanNotEditableException)
        {
            var stage = workflows.StageOf(plan);
            return Problems.Conflict($"The plan is in stage '{stage.Name.En}' ({stage.Id}), where its content cannot be changed. " +
                "A reviewer must return it to draft before it can be edited.");
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed("Someone else changed the plan while you were saving. Fetch it again, reapply your changes and save.");
        }

        http.Response.Headers.ETag = ETags.For(plan);
        return TypedResults.Ok(PlanResponse.From(plan));
    }
}

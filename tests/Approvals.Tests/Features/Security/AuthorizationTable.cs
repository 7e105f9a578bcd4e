using System.Net.Http.Headers;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;

namespace Approvals.Tests.Features.Security;

/// <summary>Who calls: no one, someone with a forged credential, and one person in each role.</summary>
public enum Caller
{
    /// <summary>No token, no cookie.</summary>
    Anonymous,

    /// <summary>A real token or cookie with one character changed.</summary>
    Tampered,

    /// <summary>The secretary of the plan's committee (SOU).</summary>
    OwnSecretary,

    /// <summary>Another committee's secretary (TMU).</summary>
    OtherSecretary,

    /// <summary>The committee approver of the plan's committee.</summary>
    OwnCommitteeApprover,

    /// <summary>Another committee's approver.</summary>
    OtherCommitteeApprover,

    AdministrativeReviewer,

    CouncilApprover,

    Coordinator,

    Administrator,
}

/// <summary>An access rule: who is let through, and what the others get.</summary>
public sealed record Rule(string Name, Func<Caller, bool> Allows, HttpStatusCode DeniedSignedIn = HttpStatusCode.Forbidden)
{
    public static readonly Rule Anyone = new("anyone", _ => true);

    public static readonly Rule SignedIn = new("signed in", c => c is not (Caller.Anonymous or Caller.Tampered));

    /// <summary>Every signed-in user reads every plan, except that a secretary reads only the own committee's.</summary>
    public static readonly Rule PlanReaders = new("plan readers (secretaries: own committee)", c => SignedIn.Allows(c) && c != Caller.OtherSecretary);

    public static readonly Rule CommitteeSecretary = new("the plan's committee's secretary", c => c == Caller.OwnSecretary);

    public static readonly Rule Secretaries = new("secretaries", c => c is Caller.OwnSecretary or Caller.OtherSecretary);

    public static readonly Rule ReportReaders = new("coordinators, administrators and reviewers", c =>
        c is Caller.Coordinator or Caller.Administrator or Caller.AdministrativeReviewer or Caller.OwnCommitteeApprover
            or Caller.OtherCommitteeApprover or Caller.CouncilApprover);

    /// <summary>Someone else's notification is answered as if it did not exist.</summary>
    public static readonly Rule Recipient = new("the recipient (others: 404)", c => c == Caller.OwnSecretary, HttpStatusCode.NotFound);

    public static readonly Rule AdministrativeReviewers = new("administrative reviewers", c => c == Caller.AdministrativeReviewer);

    public static readonly Rule CommitteeApprover = new("the plan's committee's approver", c => c == Caller.OwnCommitteeApprover);

    public static readonly Rule CouncilApprovers = new("council approvers", c => c == Caller.CouncilApprover);

    /// <summary>Replies: the reviewers of the plan's stage (administrative review) and the committee's secretary.</summary>
    public static readonly Rule Administrators = new("administrators", c => c == Caller.Administrator);

    /// <summary>Those with reviewer authority to hand over while away.</summary>
    public static readonly Rule Reviewers = new("reviewers", c =>
        c is Caller.AdministrativeReviewer or Caller.OwnCommitteeApprover or Caller.OtherCommitteeApprover or Caller.CouncilApprover);

    public static readonly Rule StageReviewersOrSecretary = new("the stage's reviewers and the committee's secretary", c => c is Caller.AdministrativeReviewer or Caller.OwnSecretary);
}

/// <summary>
/// One case of the table: an endpoint or page handler (<see cref="Endpoint"/>, as the app's endpoint data source names
/// it), called one way, with the rule it must follow. <see cref="AllowedStatus"/> is the answer a caller the rule lets
/// through gets (null: anything but a refusal).
/// </summary>
public sealed record Case(
    string Endpoint,
    string Name,
    Rule Rule,
    Func<AuthorizationTableApp, Caller, Task<HttpRequestMessage>> Request,
    HttpStatusCode? AllowedStatus = null,
    bool FreshSession = false)
{
    public bool IsPage => Endpoint.StartsWith("PAGE ", StringComparison.Ordinal);

    public override string ToString() => Name;
}

/// <summary>
/// Who may do what: every endpoint and page handler of the app with the rule it follows. The test fails for an
/// endpoint or handler of the app that is not listed here, so whoever adds one adds its rule.
/// </summary>
public static class AuthorizationTable
{
    private const string Draft = Stages.Draft;

    public static IReadOnlyList<Case> Cases { get; } =
    [
        // Accounts
        Api("POST /api/auth/login", Rule.Anyone, HttpStatusCode.OK, (a, _) => Json(HttpMethod.Post, "/api/auth/login", new { email = Users.Coordinator, password = Approvals.Web.Features.Accounts.DemoAccounts.Password })),
        Api("GET /api/auth/me", Rule.SignedIn, HttpStatusCode.OK, Get("/api/auth/me")),
        Page("GET /log-ind", Rule.Anyone, null, Get("/log-ind")),
        Page("POST /log-ind", Rule.Anyone, HttpStatusCode.Redirect, (a, c) => a.Form(c, "/log-ind", new() { ["Input.Email"] = Users.Coordinator, ["Input.Password"] = Approvals.Web.Features.Accounts.DemoAccounts.Password }), fresh: true),
        Page("GET /log-ud", Rule.SignedIn, HttpStatusCode.OK, Get("/log-ud")),
        Page("POST /log-ud", Rule.SignedIn, HttpStatusCode.Redirect, (a, c) => a.Form(c, "/log-ud", []), fresh: true),
        Page("GET /adgang-naegtet", Rule.Anyone, HttpStatusCode.Forbidden, Get("/adgang-naegtet")),
        Page("GET /ingen-adgang", Rule.Anyone, HttpStatusCode.Forbidden, Get("/ingen-adgang")),
        Api("POST /api/auth/logout", Rule.SignedIn, HttpStatusCode.NoContent, (a, _) => Get(HttpMethod.Post, "/api/auth/logout"), fresh: true),
        Api("POST /api/account/set-password", Rule.Anyone, HttpStatusCode.BadRequest, (a, _) => Json(HttpMethod.Post, "/api/account/set-password", new { token = "forged", password = "Et langt nyt kodeord 2026" })),
        Api("POST /api/account/password", Rule.SignedIn, HttpStatusCode.BadRequest, (a, _) => Json(HttpMethod.Post, "/api/account/password", new { currentPassword = "forkert", newPassword = "" })),
        Page("GET /adgangskode/ny", Rule.Anyone, HttpStatusCode.OK, Get("/adgangskode/ny?token=forged")),
        Page("POST /adgangskode/ny", Rule.Anyone, HttpStatusCode.OK, (a, c) => a.Form(c, "/adgangskode/ny?token=forged", new() { ["Input.Password"] = "" })),
        Page("GET /konto", Rule.SignedIn, HttpStatusCode.OK, Get("/konto")),
        Page("POST /konto?handler=Password", Rule.SignedIn, HttpStatusCode.OK, (a, c) => a.Form(c, "/konto?handler=Password", new() { ["Input.CurrentPassword"] = "" })),
        // Single sign-on is off in the table's app: its pages answer 404 (the plain GET goes back to the sign-in page).
        Page("GET /log-ind/organisation", Rule.Anyone, HttpStatusCode.Redirect, Get("/log-ind/organisation")),
        Page("POST /log-ind/organisation", Rule.Anyone, HttpStatusCode.NotFound, (a, c) => a.Form(c, "/log-ind/organisation", [])),
        Page("GET /log-ind/organisation?handler=Done", Rule.Anyone, HttpStatusCode.NotFound, Get("/log-ind/organisation?handler=Done")),

        // Account administration: each change on an account of its own
        Api("GET /api/users", Rule.Administrators, HttpStatusCode.OK, Get("/api/users")),
        Api("POST /api/users", Rule.Administrators, HttpStatusCode.Created, (a, _) => Json(HttpMethod.Post, "/api/users", AuthorizationTableApp.NewAccountInput())),
        Api("GET /api/users/{id}", Rule.Administrators, HttpStatusCode.OK, async (a, _) => Get(HttpMethod.Get, $"/api/users/{await a.NewAccount()}")),
        Api("PUT /api/users/{id}", Rule.Administrators, HttpStatusCode.OK, async (a, _) => Json(HttpMethod.Put, $"/api/users/{await a.NewAccount()}", new { name = "Omdøbt", roles = new[] { "Coordinator" } })),
        Api("POST /api/users/{id}/deactivate", Rule.Administrators, HttpStatusCode.OK, async (a, _) => Get(HttpMethod.Post, $"/api/users/{await a.NewAccount()}/deactivate")),
        Api("POST /api/users/{id}/activate", Rule.Administrators, HttpStatusCode.OK, async (a, _) => Get(HttpMethod.Post, $"/api/users/{await a.NewAccount(deactivated: true)}/activate")),
        Api("POST /api/users/{id}/invitation", Rule.Administrators, HttpStatusCode.OK, async (a, _) => Get(HttpMethod.Post, $"/api/users/{await a.NewAccount()}/invitation")),
        Api("GET /api/users/{id}/history", Rule.Administrators, HttpStatusCode.OK, async (a, _) => Get(HttpMethod.Get, $"/api/users/{await a.NewAccount()}/history")),
        Page("GET /admin/brugere", Rule.Administrators, HttpStatusCode.OK, Get("/admin/brugere")),
        Page("GET /admin/brugere/ny", Rule.Administrators, HttpStatusCode.OK, Get("/admin/brugere/ny")),
        Page("POST /admin/brugere/ny", Rule.Administrators, HttpStatusCode.OK, (a, c) => a.Form(c, "/admin/brugere/ny", new() { ["Input.Email"] = "" })),
        Page("GET /admin/brugere/{id}", Rule.Administrators, HttpStatusCode.OK, async (a, _) => Get(HttpMethod.Get, $"/admin/brugere/{await a.NewAccount()}")),
        Page("POST /admin/brugere/{id}", Rule.Administrators, HttpStatusCode.OK, async (a, c) => await a.Form(c, $"/admin/brugere/{await a.NewAccount()}", new() { ["Input.Name"] = "" })),
        .. new[] { "Deactivate", "Activate", "Invite" }
            .Select(handler => Page($"POST /admin/brugere/{{id}}?handler={handler}", Rule.Administrators, HttpStatusCode.Redirect,
                async (a, c) => await a.Form(c, $"/admin/brugere/{await a.NewAccount(deactivated: handler == "Activate")}?handler={handler}", []))),

        // Delegation while away: the own one (reviewers give; an unknown delegate is 400 for them, 403 for the rest), and anyone's for administrators
        Api("GET /api/account/delegation", Rule.SignedIn, HttpStatusCode.OK, Get("/api/account/delegation")),
        Api("PUT /api/account/delegation", Rule.Reviewers, HttpStatusCode.BadRequest,
            (a, _) => Json(HttpMethod.Put, "/api/account/delegation", new { toUserId = "no-such-account", fromUtc = DateTime.UtcNow, toUtc = DateTime.UtcNow.AddDays(1) })),
        Api("DELETE /api/account/delegation", Rule.SignedIn, HttpStatusCode.NotFound, (a, _) => Get(HttpMethod.Delete, "/api/account/delegation")),
        Api("GET /api/users/{id}/delegation", Rule.Administrators, HttpStatusCode.OK, async (a, _) => Get(HttpMethod.Get, $"/api/users/{await a.NewAccount()}/delegation")),
        Api("PUT /api/users/{id}/delegation", Rule.Administrators, HttpStatusCode.BadRequest,
            async (a, _) => Json(HttpMethod.Put, $"/api/users/{await a.NewAccount()}/delegation", new { toUserId = "no-such-account", fromUtc = DateTime.UtcNow, toUtc = DateTime.UtcNow.AddDays(1) })),
        Api("DELETE /api/users/{id}/delegation", Rule.Administrators, HttpStatusCode.NotFound, async (a, _) => Get(HttpMethod.Delete, $"/api/users/{await a.NewAccount()}/delegation")),
        Page("POST /konto?handler=Delegate", Rule.SignedIn, HttpStatusCode.OK, (a, c) => a.Form(c, "/konto?handler=Delegate", new() { ["Delegation.Email"] = "" })),
        Page("POST /konto?handler=EndDelegation", Rule.SignedIn, HttpStatusCode.OK, (a, c) => a.Form(c, "/konto?handler=EndDelegation", [])),
        Page("POST /admin/brugere/{id}?handler=Delegate", Rule.Administrators, HttpStatusCode.OK,
            async (a, c) => await a.Form(c, $"/admin/brugere/{await a.NewAccount()}?handler=Delegate", new() { ["Delegation.Email"] = "" })),
        Page("POST /admin/brugere/{id}?handler=EndDelegation", Rule.Administrators, HttpStatusCode.OK,
            async (a, c) => await a.Form(c, $"/admin/brugere/{await a.NewAccount()}?handler=EndDelegation", [])),

        // Operations: what did not go through, and retrying it (unknown ids: the allowed caller gets 404; e-mail is off in this app: 409)
        Api("GET /api/operations", Rule.Administrators, HttpStatusCode.OK, Get("/api/operations")),
        Api("POST /api/operations/events/{messageId:guid}/retry", Rule.Administrators, HttpStatusCode.NotFound, (a, _) => Get(HttpMethod.Post, $"/api/operations/events/{Guid.NewGuid()}/retry")),
        Api("POST /api/operations/emails/{notificationId:guid}/retry", Rule.Administrators, HttpStatusCode.Conflict, (a, _) => Get(HttpMethod.Post, $"/api/operations/emails/{Guid.NewGuid()}/retry")),
        Page("GET /admin/drift", Rule.Administrators, HttpStatusCode.OK, Get("/admin/drift")),
        Page("POST /admin/drift?handler=RetryEvent", Rule.Administrators, HttpStatusCode.NotFound, (a, c) => a.Form(c, "/admin/drift?handler=RetryEvent", new() { ["messageId"] = Guid.NewGuid().ToString() })),
        Page("POST /admin/drift?handler=RetryEmail", Rule.Administrators, HttpStatusCode.Conflict, (a, c) => a.Form(c, "/admin/drift?handler=RetryEmail", new() { ["notificationId"] = Guid.NewGuid().ToString() })),

        // Committees, workflows, health, the API description
        Api("GET /api/committees", Rule.SignedIn, HttpStatusCode.OK, Get("/api/committees")),
        Api("GET /api/workflows", Rule.SignedIn, HttpStatusCode.OK, Get("/api/workflows")),
        Api("GET /api/workflows/{id}", Rule.SignedIn, HttpStatusCode.OK, Get("/api/workflows/committee-plan")),
        Api("GET /api/workflows/{id}/diagram", Rule.SignedIn, HttpStatusCode.OK, Get("/api/workflows/committee-plan/diagram")),
        Page("GET /arbejdsgange", Rule.SignedIn, HttpStatusCode.OK, Get("/arbejdsgange")),
        Api("GET /health/live", Rule.Anyone, HttpStatusCode.OK, Get("/health/live")),
        Api("HEAD /health/live", Rule.Anyone, HttpStatusCode.OK, (_, _) => Get(HttpMethod.Head, "/health/live")),
        Api("GET /health/ready", Rule.Anyone, HttpStatusCode.OK, Get("/health/ready")),
        Api("HEAD /health/ready", Rule.Anyone, HttpStatusCode.OK, (_, _) => Get(HttpMethod.Head, "/health/ready")),
        // Probes only read: every other method gets 405 from an endpoint of its own, anonymous like the probes.
        .. new[] { "POST", "PUT", "DELETE", "PATCH", "TRACE", "OPTIONS", "CONNECT" }.Select(method =>
            Api($"{method} /health/{{probe:regex(^(live|ready)$)}}", Rule.Anyone, HttpStatusCode.MethodNotAllowed, (_, _) => Get(new HttpMethod(method), "/health/ready"))),
        // The API's description and its reference hold no data: anyone may read them.
        Api("GET /openapi/{documentName}.json", Rule.Anyone, HttpStatusCode.OK, Get("/openapi/v1.json")),
        Api("GET /api/docs", Rule.Anyone, HttpStatusCode.OK, Get("/api/docs")),
        Api("GET /api/docs/scalar.js", Rule.Anyone, HttpStatusCode.OK, Get("/api/docs/scalar.js")),
        Api("GET /api/docs/approvals-docs.js", Rule.Anyone, HttpStatusCode.OK, Get("/api/docs/approvals-docs.js")),

        // Plans
        Api("GET /api/plans", Rule.SignedIn, HttpStatusCode.OK, Get("/api/plans")),
        Api("GET /api/plans/{id:guid}", Rule.PlanReaders, HttpStatusCode.OK, (a, _) => Get(HttpMethod.Get, $"/api/plans/{a.ReadPlan}")),
        Api("POST /api/plans", Rule.CommitteeSecretary, HttpStatusCode.Created, (a, _) => Json(HttpMethod.Post, "/api/plans", Review.ReviewApp.CleanPlan("SOU", "Ny plan"))),
        Api("PUT /api/plans/{id:guid}", Rule.CommitteeSecretary, HttpStatusCode.PreconditionFailed, (a, _) => Stale(Json(HttpMethod.Put, $"/api/plans/{a.DraftPlan}", Review.ReviewApp.CleanPlan("SOU", "Ændret")))),
        Api("GET /api/plans/{id:guid}/validation", Rule.PlanReaders, HttpStatusCode.OK, (a, _) => Get(HttpMethod.Get, $"/api/plans/{a.ReadPlan}/validation")),
        Page("GET /", Rule.SignedIn, HttpStatusCode.OK, Get("/")),
        Page("GET /planer/{id:guid}", Rule.PlanReaders, HttpStatusCode.OK, (a, _) => Get(HttpMethod.Get, $"/planer/{a.ReadPlan}")),
        Page("GET /planer/ny", Rule.Secretaries, HttpStatusCode.OK, Get("/planer/ny")),
        Page("POST /planer/ny", Rule.Secretaries, HttpStatusCode.OK, (a, c) => a.Form(c, "/planer/ny", new() { ["Input.Title"] = "" })),
        Page("GET /planer/{id:guid}/rediger", Rule.CommitteeSecretary, HttpStatusCode.OK, (a, _) => Get(HttpMethod.Get, $"/planer/{a.DraftPlan}/rediger")),
        Page("POST /planer/{id:guid}/rediger", Rule.CommitteeSecretary, HttpStatusCode.Conflict, (a, c) => a.Form(c, $"/planer/{a.DraftPlan}/rediger", new() { ["Token"] = Guid.NewGuid().ToString(), ["Input.Title"] = "Ændret" })),
        .. new[] { "AddObjective", "RemoveObjective", "MoveObjective", "AddGoal", "RemoveGoal", "MoveGoal", "AddItem", "RemoveItem", "MoveItem" }
            .Select(handler => Page($"POST /planer/{{id:guid}}/rediger?handler={handler}", Rule.CommitteeSecretary, null,
                (a, c) => a.Form(c, $"/planer/{a.DraftPlan}/rediger?handler={handler}&o=0&g=0&i=0&by=1&list=indicators", []))),

        // Review: reading, and each action of the workflow, on a plan of its own in the stage the action leaves
        Api("GET /api/plans/{id:guid}/actions", Rule.PlanReaders, HttpStatusCode.OK, (a, _) => Get(HttpMethod.Get, $"/api/plans/{a.ReadPlan}/actions")),
        Api("GET /api/plans/{id:guid}/history", Rule.PlanReaders, HttpStatusCode.OK, (a, _) => Get(HttpMethod.Get, $"/api/plans/{a.ReadPlan}/history")),
        Api("GET /api/plans/{id:guid}/revisions", Rule.PlanReaders, HttpStatusCode.OK, (a, _) => Get(HttpMethod.Get, $"/api/plans/{a.ReadPlan}/revisions")),
        Api("GET /api/plans/{id:guid}/revisions/{number:int}", Rule.PlanReaders, HttpStatusCode.OK, (a, _) => Get(HttpMethod.Get, $"/api/plans/{a.ReadPlan}/revisions/1")),
        .. Actions.Select(action => Api("POST /api/plans/{id:guid}/transitions", action.Rule, HttpStatusCode.OK, async (a, _) =>
        {
            var (plan, etag) = await a.NewPlan(action.Stage);
            var request = Json(HttpMethod.Post, $"/api/plans/{plan}/transitions", new { action = action.Action, comment = "Begrundelse" });
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
            return request;
        }, $"{action.Action} from {action.Stage}")),
        .. Actions.Select(action => Page("POST /planer/{id:guid}?handler=Take", action.Rule, HttpStatusCode.Redirect, async (a, c) =>
        {
            var (plan, etag) = await a.NewPlan(action.Stage);
            return await a.Form(c, $"/planer/{plan}?handler=Take", new() { ["actionId"] = action.Action, ["comment"] = "Begrundelse", ["token"] = Guid.ParseExact(etag.Trim('"'), "N").ToString() });
        }, $"{action.Action} from {action.Stage}")),

        // Review comments on the plan in administrative review (its reviewers: administrative reviewers), and changes
        Api("GET /api/plans/{id:guid}/comments", Rule.PlanReaders, HttpStatusCode.OK, (a, _) => Get(HttpMethod.Get, $"/api/plans/{a.ReadPlan}/comments")),
        Api("GET /api/plans/{id:guid}/comments/{commentId:guid}", Rule.PlanReaders, HttpStatusCode.OK, (a, _) => Get(HttpMethod.Get, $"/api/plans/{a.ReadPlan}/comments/{a.Comment}")),
        Api("POST /api/plans/{id:guid}/comments", Rule.AdministrativeReviewers, HttpStatusCode.Created, (a, _) => Json(HttpMethod.Post, $"/api/plans/{a.ReadPlan}/comments", new { text = "Uddyb målet." })),
        Api("POST /api/plans/{id:guid}/comments/{commentId:guid}/replies", Rule.StageReviewersOrSecretary, HttpStatusCode.Created, async (a, _) => Json(HttpMethod.Post, $"/api/plans/{a.ReadPlan}/comments/{await a.NewComment()}/replies", new { text = "Svar." })),
        Api("POST /api/plans/{id:guid}/comments/{commentId:guid}/answered", Rule.CommitteeSecretary, HttpStatusCode.OK, async (a, _) => Get(HttpMethod.Post, $"/api/plans/{a.ReadPlan}/comments/{await a.NewComment()}/answered")),
        Api("POST /api/plans/{id:guid}/comments/{commentId:guid}/resolve", Rule.AdministrativeReviewers, HttpStatusCode.OK, async (a, _) => Get(HttpMethod.Post, $"/api/plans/{a.ReadPlan}/comments/{await a.NewComment()}/resolve")),
        Api("GET /api/plans/{id:guid}/changes", Rule.PlanReaders, HttpStatusCode.OK, (a, _) => Get(HttpMethod.Get, $"/api/plans/{a.ReadPlan}/changes?from=1")),
        Page("POST /planer/{id:guid}?handler=Comment", Rule.AdministrativeReviewers, HttpStatusCode.Redirect, (a, c) => a.Form(c, $"/planer/{a.ReadPlan}?handler=Comment", new() { ["text"] = "Uddyb målet." })),
        Page("POST /planer/{id:guid}?handler=Reply", Rule.StageReviewersOrSecretary, HttpStatusCode.Redirect, async (a, c) => await a.Form(c, $"/planer/{a.ReadPlan}?handler=Reply", new() { ["commentId"] = (await a.NewComment()).ToString(), ["text"] = "Svar." })),
        Page("POST /planer/{id:guid}?handler=Answered", Rule.CommitteeSecretary, HttpStatusCode.Redirect, async (a, c) => await a.Form(c, $"/planer/{a.ReadPlan}?handler=Answered", new() { ["commentId"] = (await a.NewComment()).ToString() })),
        Page("POST /planer/{id:guid}?handler=Resolve", Rule.AdministrativeReviewers, HttpStatusCode.Redirect, async (a, c) => await a.Form(c, $"/planer/{a.ReadPlan}?handler=Resolve", new() { ["commentId"] = (await a.NewComment()).ToString() })),

        // Plans in and out of Word: an upload without a file is refused as bad input only once the caller is let through
        Api("POST /api/plans/import", Rule.CommitteeSecretary, HttpStatusCode.BadRequest, (a, _) => new HttpRequestMessage(HttpMethod.Post, "/api/plans/import?committee=SOU") { Content = new MultipartFormDataContent { { new StringContent("x"), "note" } } }),
        Api("GET /api/plans/{id:guid}/document", Rule.PlanReaders, HttpStatusCode.OK, (a, _) => Get(HttpMethod.Get, $"/api/plans/{a.ReadPlan}/document")),
        Page("GET /planer/importer", Rule.Secretaries, HttpStatusCode.OK, Get("/planer/importer")),
        Page("POST /planer/importer?handler=Preview", Rule.Secretaries, HttpStatusCode.BadRequest, (a, c) => a.Form(c, "/planer/importer?handler=Preview", [])),
        Page("POST /planer/importer?handler=Create", Rule.Secretaries, HttpStatusCode.BadRequest, (a, c) => a.Form(c, "/planer/importer?handler=Create", new() { ["preview"] = "forged" })),

        // Coverage
        Api("GET /api/reports/missing-indicators", Rule.ReportReaders, HttpStatusCode.OK, Get("/api/reports/missing-indicators")),
        Page("GET /koordinator", Rule.ReportReaders, HttpStatusCode.OK, Get("/koordinator")),
        Page("GET /koordinator?handler=Csv", Rule.ReportReaders, HttpStatusCode.OK, Get("/koordinator?handler=Csv")),

        // Deadlines
        Api("GET /api/reports/deadlines", Rule.ReportReaders, HttpStatusCode.OK, Get("/api/reports/deadlines?overdue=false")),
        Page("GET /frister", Rule.ReportReaders, HttpStatusCode.OK, Get("/frister")),
        Page("GET /frister?handler=Csv", Rule.ReportReaders, HttpStatusCode.OK, Get("/frister?handler=Csv")),
        Page("GET /planer", Rule.SignedIn, HttpStatusCode.OK, Get("/planer")),

        // Notifications: the own secretary's notification
        Api("GET /api/notifications", Rule.SignedIn, HttpStatusCode.OK, Get("/api/notifications")),
        Api("POST /api/notifications/{id:guid}/read", Rule.Recipient, HttpStatusCode.OK, (a, _) => Get(HttpMethod.Post, $"/api/notifications/{a.Notification}/read")),
        Page("GET /notifikationer", Rule.SignedIn, HttpStatusCode.OK, Get("/notifikationer")),
        Page("POST /notifikationer?handler=Read", Rule.Recipient, HttpStatusCode.Redirect, (a, c) => a.Form(c, "/notifikationer?handler=Read", new() { ["notificationId"] = a.Notification.ToString() })),

        // The UI's shell
        Page("GET /sprog", Rule.Anyone, HttpStatusCode.Redirect, Get("/sprog")),
        Page("POST /sprog", Rule.Anyone, HttpStatusCode.Redirect, (a, c) => a.Form(c, "/sprog", new() { ["culture"] = "da-DK", ["returnUrl"] = "/" })),
        Page("GET /fejl/{code:int}", Rule.Anyone, HttpStatusCode.NotFound, Get("/fejl/404")),
        Page("POST /fejl/{code:int}", Rule.Anyone, HttpStatusCode.NotFound, (a, c) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/fejl/404") { Content = new FormUrlEncodedContent([]) })),
    ];

    /// <summary>The workflow's actions as the definition assigns them (workflows/committee-plan.json).</summary>
    private static IEnumerable<(string Action, string Stage, Rule Rule)> Actions =>
    [
        ("submit", Draft, Rule.CommitteeSecretary),
        ("approve", Stages.AdministrativeReview, Rule.AdministrativeReviewers),
        ("return", Stages.AdministrativeReview, Rule.AdministrativeReviewers),
        ("approve", Stages.CommitteeApproval, Rule.CommitteeApprover),
        ("return", Stages.CommitteeApproval, Rule.CommitteeApprover),
        ("approve", Stages.CouncilApproval, Rule.CouncilApprovers),
        ("return", Stages.CouncilApproval, Rule.CouncilApprovers),
    ];

    private static Case Api(string endpoint, Rule rule, HttpStatusCode? allowed, Func<AuthorizationTableApp, Caller, Task<HttpRequestMessage>> request, string? variant = null) =>
        new(endpoint, variant is null ? endpoint : $"{endpoint} ({variant})", rule, request, allowed);

    private static Case Api(string endpoint, Rule rule, HttpStatusCode? allowed, Func<AuthorizationTableApp, Caller, HttpRequestMessage> request, bool fresh = false) =>
        new(endpoint, endpoint, rule, (a, c) => Task.FromResult(request(a, c)), allowed, fresh);

    private static Case Page(string route, Rule rule, HttpStatusCode? allowed, Func<AuthorizationTableApp, Caller, Task<HttpRequestMessage>> request, string? variant = null, bool fresh = false) =>
        new($"PAGE {route}", variant is null ? $"PAGE {route}" : $"PAGE {route} ({variant})", rule, request, allowed, fresh);

    private static Case Page(string route, Rule rule, HttpStatusCode? allowed, Func<AuthorizationTableApp, Caller, HttpRequestMessage> request, bool fresh = false) =>
        Page(route, rule, allowed, (a, c) => Task.FromResult(request(a, c)), fresh: fresh);

    private static Func<AuthorizationTableApp, Caller, HttpRequestMessage> Get(string path) => (_, _) => Get(HttpMethod.Get, path);

    private static HttpRequestMessage Get(HttpMethod method, string path) => new(method, path);

    private static HttpRequestMessage Json(HttpMethod method, string path, object body) => new(method, path) { Content = JsonContent.Create(body) };

    private static HttpRequestMessage Stale(HttpRequestMessage request)
    {
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ETags.Of(Guid.NewGuid())));
        return request;
    }
}

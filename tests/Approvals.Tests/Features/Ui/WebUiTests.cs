using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Ui;

/// <summary>The pages over plain HTTP: what needs no browser (the browser tests are in Approvals.BrowserTests).</summary>
[Collection(AppCollection.Name)]
public sealed partial class WebUiTests(ApprovalsApp app)
{
    [Fact]
    public async Task The_sign_in_page_is_Danish_html_for_anyone()
    {
        using var anonymous = app.CreateClient();

        var response = await anonymous.GetAsync("/log-ind");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"da\">", html);
        Assert.Contains("<h1>Log ind</h1>", html);
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused_with_the_friendly_400()
    {
        using var anonymous = app.CreateClient();

        var response = await anonymous.PostAsync("/log-ind", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = Users.Coordinator,
            ["Input.Password"] = DemoAccounts.Password,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Forespørgslen kunne ikke behandles", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("approvals=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Pages_get_html_error_pages_while_the_api_keeps_problem_details()
    {
        using var client = (await PageClient.SignIn(app, Users.Coordinator)).Http;

        var page = await client.GetAsync("/findes-ikke");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("Siden findes ikke", await page.Content.ReadAsStringAsync());

        var api = await client.GetAsync("/api/findes-ikke");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);

        var plan = await client.GetAsync($"/api/plans/{Guid.NewGuid()}");
        await plan.AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_page_that_fails_shows_the_friendly_500_page_while_the_api_answers_problem_details()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var created = await (await client.PostAsJsonAsync("/api/plans", new { committee = "BIU", title = "Plan på en fjernet arbejdsgang", objectives = Array.Empty<object>() }))
            .ReadOk<Approvals.Web.Features.Plans.PlanResponse>();
        // A plan pinned to a workflow version no file defines any more: reading its stage fails.
        await app.WithDb(db => db.Database.ExecuteSqlAsync($"""UPDATE "Plans" SET "WorkflowVersion" = {99} WHERE "Id" = {created.Id}"""));
        try
        {
            var page = await (await PageClient.SignIn(app, Users.Coordinator)).Http.GetAsync($"/planer/{created.Id}");

            Assert.Equal(HttpStatusCode.InternalServerError, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("<h1>Der opstod en fejl hos os</h1>", html);
            Assert.DoesNotContain("InvalidOperationException", html);

            var api = await (await app.ClientFor(Users.Coordinator)).GetAsync($"/api/plans/{created.Id}/actions");
            var problem = await api.AssertProblem(HttpStatusCode.InternalServerError);
            Assert.Equal(500, problem.GetProperty("status").GetInt32());
        }
        finally
        {
            await app.WithDb(db => db.Database.ExecuteSqlAsync($"""UPDATE "Plans" SET "WorkflowVersion" = {1} WHERE "Id" = {created.Id}"""));
        }
    }

    [Fact]
    public async Task Plan_text_is_encoded_in_the_page()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Kfu));
        var created = await (await client.PostAsJsonAsync("/api/plans", new
        {
            committee = "KFU",
            title = "<b>Fed</b> titel",
            objectives = new[] { new { title = "O", goals = new[] { new { number = "1", text = "<script>alert(1)</script>", indicators = new[] { new { text = "\"><img src=x onerror=alert(2)>" } }, activities = Array.Empty<object>() } } } },
        })).ReadOk<Approvals.Web.Features.Plans.PlanResponse>();

        var html = await (await client.GetAsync($"/planer/{created.Id}")).Content.ReadAsStringAsync();

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain("<script>alert(1)", html);
        Assert.DoesNotContain("<img src=x", html);
        Assert.Contains("&lt;b&gt;Fed&lt;/b&gt; titel", html);
    }

    [Fact]
    public async Task A_get_of_a_form_handlers_address_only_shows_the_page_and_changes_nothing()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Sou));
        var plans = await client.AllPlans("committee=SOU");
        var plan = plans!.OrderBy(p => p.Title).First();

        var response = await client.GetAsync($"/planer/{plan.Id}/rediger?handler=AddGoal&o=0");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("data-state=\"unsaved\"", await response.Content.ReadAsStringAsync());
        var after = await app.WithDb(db => db.Plans.FindAsync(plan.Id).AsTask());
        Assert.Equal(plan.GoalCount, after!.GoalCount);
        Assert.Equal(plan.UpdatedUtc, after.UpdatedUtc);
    }

    [Fact]
    public void Both_resource_files_hold_the_same_texts_and_every_text_the_pages_ask_for()
    {
        var root = RepositoryRoot();
        var ui = Path.Combine(root, "src", "Approvals.Web", "Features");
        var danish = Keys(Path.Combine(ui, "Ui", "UiText.resx"));
        var english = Keys(Path.Combine(ui, "Ui", "UiText.en.resx"));
        Assert.Equal(danish.Order(), english.Order());

        var used = Directory.EnumerateFiles(ui, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .SelectMany(f => LiteralKey().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups[1].Value)))
            .ToList();
        Assert.NotEmpty(used);
        var missing = used.Where(u => !danish.Contains(u.Key)).Select(u => $"{u.File}: {u.Key}").Distinct().ToList();
        Assert.True(missing.Count == 0, "Texts missing from UiText.resx: " + string.Join(", ", missing));

        // Texts named at run time: every role, guard and indicator gap, each status page, the past tense of each
        // action of the committee-plan workflow (stage and action names come from the definition itself).
        string[] dynamic =
        [
            .. Approvals.Core.Accounts.Roles.All.Select(r => $"Role.{r}"),
            .. Approvals.Core.Workflow.WorkflowGuards.Names.Select(g => $"Guard.{g}"),
            "Guard.four-eyes",
            .. new[] { Approvals.Core.Flags.FlagCodes.IndicatorMissing, Approvals.Core.Flags.FlagCodes.IndicatorPlaceholder }.Select(c => $"FlagCode.{c}"),
            .. new[] { "400", "403", "404", "409", "429", "500", "Other" }.SelectMany(c => new[] { $"Status.{c}.Title", $"Status.{c}.Text" }),
            .. new[] { "submit", "approve", "return" }.Select(a => $"Action.{a}"),
            "Edit.IndicatorN", "Edit.ActivityN",
            .. Enum.GetNames<Approvals.Core.Review.CommentStatus>().Select(s => $"Comments.Status.{s}"),
            "Comments.Written", "Comments.Replied", "Comments.AnsweredDone", "Comments.ResolvedDone",
            .. typeof(Approvals.Core.Accounts.DelegationRules).GetFields().Where(f => f.IsLiteral).Select(f => $"Delegation.Fault.{f.GetRawConstantValue()}"),
            .. typeof(Approvals.Web.Features.Delegation.Delegations.Actions).GetFields().Select(f => $"Delegation.Action.{f.GetRawConstantValue()}"),
            "Delegation.Field.delegate", "Delegation.Field.delegationFrom", "Delegation.Field.delegationTo",
        ];
        var missingDynamic = dynamic.Where(k => !danish.Contains(k)).ToList();
        Assert.True(missingDynamic.Count == 0, "Texts missing from UiText.resx: " + string.Join(", ", missingDynamic));
    }

    private static HashSet<string> Keys(string resx) =>
        XDocument.Load(resx).Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet(StringComparer.Ordinal);

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Approvals.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Approvals.sln was not found above the test folder.");
    }

    [GeneratedRegex("""\b[Tt]\["([A-Za-z0-9.\-]+)"[,\]]""")]
    private static partial Regex LiteralKey();
}

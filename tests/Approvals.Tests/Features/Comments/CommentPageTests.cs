using System.Text.RegularExpressions;
using Approvals.Core.Review;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Comments;
using Approvals.Web.Features.Plans;
using Microsoft.EntityFrameworkCore;
using static Approvals.Tests.Features.Comments.CommentSteps;

namespace Approvals.Tests.Features.Comments;

/// <summary>Comments and changes on the plan and edit pages, as a browser without script uses them (form posts, cookie).</summary>
[Collection(ReviewCollection.Name)]
public sealed partial class CommentPageTests(ReviewApp app)
{
    [Fact]
    public async Task A_reviewer_comments_beside_a_goal_and_the_secretary_answers_it_on_the_plan_page()
    {
        var plan = await SubmittedPlan(app, "Side: kommentar");
        var goal = plan.Objectives[0].Goals[1];
        var reviewer = await PageClient.SignIn(app, Users.AdministrativeReviewer);
        var page = await reviewer.Html($"/planer/{plan.Id}");
        var form = new Dictionary<string, string> { ["objective"] = plan.Objectives[0].Id, ["goal"] = goal.Id, ["indicator"] = goal.Indicators[0].Id };

        // An empty text is refused beside the field and stores nothing.
        var empty = await reviewer.Post($"/planer/{plan.Id}?handler=Comment", page, new(form) { ["text"] = " " });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains($"id=\"ny-kommentar-{goal.Id}-error\"", await empty.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.WithDb(db => db.PlanComments.CountAsync(c => c.PlanId == plan.Id)));

        var written = await reviewer.Post($"/planer/{plan.Id}?handler=Comment", page, new(form) { ["text"] = "Hvad er udgangspunktet?" });
        var shown = await written.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        Assert.Contains("Kommentaren er gemt.", shown);
        var row = GoalCommentsRow(shown, 1, 2);
        Assert.Contains("Hvad er udgangspunktet?", row);
        Assert.Contains("Om indikator 1: »Antallet af besøgende skal stige med 10 procent«", row);
        Assert.Contains("Åben", row);

        // The secretary, after the return, replies from the plan page; the plan page and the edit page show the thread.
        await app.Take(Users.AdministrativeReviewer, plan.Id, "return", "Se kommentaren.");
        var comment = Assert.Single(await CommentsOf(app, plan.Id));
        var secretary = await PageClient.SignIn(app, Secretary);
        var draft = await secretary.Html($"/planer/{plan.Id}");
        Assert.DoesNotContain("handler=Comment", draft);
        Assert.DoesNotContain("handler=Resolve", draft);
        var replied = await secretary.Post($"/planer/{plan.Id}?handler=Reply", draft, new() { ["commentId"] = comment.Id.ToString(), ["text"] = "Udgangspunktet er 12.000." });
        var after = GoalCommentsRow(await replied.Content.ReadAsStringAsync(), 1, 2);
        Assert.Contains("Udgangspunktet er 12.000.", after);
        Assert.Contains("Besvaret", after);
        Assert.Equal(CommentStatus.Answered, Assert.Single(await CommentsOf(app, plan.Id)).Status);
        var edit = await secretary.Html($"/planer/{plan.Id}/rediger");
        Assert.Contains("Udgangspunktet er 12.000.", edit);
        Assert.Contains($"href=\"/planer/{plan.Id}#{CommentBoard.Anchor(comment.Id)}\"", edit);

        // Another committee's secretary cannot post to the page's handlers.
        var other = await PageClient.SignIn(app, Users.Secretary(Approvals.Core.Plans.Committee.Biu));
        var refused = await other.Post($"/planer/{plan.Id}?handler=Reply", await other.Html("/"), new() { ["commentId"] = comment.Id.ToString(), ["text"] = "Nej." });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task The_edit_page_keeps_each_goals_id_through_moves_so_its_comments_follow_it()
    {
        var plan = await SubmittedPlan(app, "Side: flyt");
        var goals = plan.Objectives[0].Goals;
        await Write(await app.ClientFor(Users.AdministrativeReviewer), plan.Id, Anchor(plan, 5), "Mål 5 skal op.");
        await app.Take(Users.AdministrativeReviewer, plan.Id, "return", "Flyt mål 5 op.");
        var secretary = await PageClient.SignIn(app, Secretary);

        // Goal 5 moves up three times, each a form post of the whole form; then the secretary saves.
        var page = await secretary.Html($"/planer/{plan.Id}/rediger");
        for (var g = 4; g > 1; g--)
        {
            var moved = await secretary.Post($"/planer/{plan.Id}/rediger?handler=MoveGoal&o=0&g={g}&by=-1", page, FormFields(page));
            page = await moved.Content.ReadAsStringAsync();
            Assert.Contains("Mål 5 skal op.", Fieldset(page, 1, g));
        }

        var saved = await secretary.Post($"/planer/{plan.Id}/rediger", page, FormFields(page));
        Assert.Contains("Planen er gemt", await saved.Content.ReadAsStringAsync());

        var after = (await Get(app, plan.Id)).Objectives[0].Goals;
        Assert.Equal([goals[0].Id, goals[4].Id, goals[1].Id, goals[2].Id, goals[3].Id], after.Select(g => g.Id));
        Assert.Equal(goals[4].Indicators[0].Id, after[1].Indicators[0].Id);
        var comment = Assert.Single(await CommentsOf(app, plan.Id));
        Assert.Equal((2, "5"), (comment.Location!.Goal, comment.Location.GoalNumber));

        // A form carrying an id the plan does not have did not come from the page: refused, nothing saved.
        page = await secretary.Html($"/planer/{plan.Id}/rediger");
        var tampered = FormFields(page);
        tampered["Input.Objectives[0].Goals[0].Id"] = "fremmed-id";
        Assert.Equal(HttpStatusCode.BadRequest, (await secretary.Post($"/planer/{plan.Id}/rediger", page, tampered)).StatusCode);
    }

    [Fact]
    public async Task A_reviewer_sees_the_changes_since_the_revision_they_returned_and_a_blocked_submit_names_the_comments()
    {
        var plan = await SubmittedPlan(app, "Side: ændringer");
        var comment = await (await Write(await app.ClientFor(Users.AdministrativeReviewer), plan.Id, Anchor(plan, 2), "Skriv en tidsramme.")).ReadOk<CommentResponse>();
        await app.Take(Users.AdministrativeReviewer, plan.Id, "return", "Se kommentaren.");
        var draft = await Get(app, plan.Id);
        var goals = draft.Objectives[0].Goals;
        (await Put(app, draft, new[] { draft.Objectives[0] with { Goals = [goals[0], goals[1] with { Text = "Mål 2: flere borgere bruger kulturtilbud inden 2027" }, goals[2], goals[3], goals[4]] } })).EnsureSuccessStatusCode();

        var secretary = await PageClient.SignIn(app, Secretary);
        var blocked = await secretary.Html($"/planer/{plan.Id}");
        Assert.Contains($"href=\"#{CommentBoard.Anchor(comment.Id)}\"", blocked);
        Assert.True(blocked.Contains("Kommentaren fra", StringComparison.Ordinal), blocked[blocked.IndexOf("actions-heading", StringComparison.Ordinal)..][..3000]);
        Assert.DoesNotContain("data-action=\"submit\" novalidate", blocked);

        await (await app.ClientFor(Secretary)).PostAsync($"/api/plans/{plan.Id}/comments/{comment.Id}/answered", null);
        await app.Take(Secretary, plan.Id, "submit");

        var reviewer = await PageClient.SignIn(app, Users.AdministrativeReviewer);
        var page = await reviewer.Html($"/planer/{plan.Id}");
        Assert.Contains("Ændringer siden udgave 1", page);
        var section = Regex.Match(page, """<section[^>]*id="aendringer">(.*?)</section>""", RegexOptions.Singleline).Groups[1].Value;
        var change = section[section.IndexOf($"data-goal=\"{goals[1].Id}\" data-changes=\"changed\"", StringComparison.Ordinal)..];
        Assert.Contains("<ins class=\"diff diff--ins\">", change);
        Assert.Contains("inden 2027", change);
        Assert.Single(Regex.Matches(section, "<li class=\"change\" "));
        Assert.Contains("indsat tekst er understreget", page);

        // The secretary sees no comparison unless she asks for one.
        var own = await secretary.Html($"/planer/{plan.Id}");
        Assert.DoesNotContain("Ændringer siden udgave", own);
        Assert.Contains("Ændringer siden udgave 1", await secretary.Html($"/planer/{plan.Id}?fra=1"));
    }

    /// <summary>The comments row under goal <paramref name="goal"/> of objective <paramref name="objective"/> on the plan page.</summary>
    private static string GoalCommentsRow(string html, int objective, int goal)
    {
        var row = Regex.Match(html, $"""<tr class="goal-comments" id="kommentarer-{objective}-{goal}"[^>]*>(.*?)</tr>""", RegexOptions.Singleline);
        Assert.True(row.Success, $"The page has no comments row for goal {objective}.{goal}.");
        return row.Groups[1].Value;
    }

    /// <summary>The fieldset of goal <paramref name="goal"/> (1-based) on the edit page.</summary>
    private static string Fieldset(string html, int objective, int goal)
    {
        var start = html.IndexOf($"id=\"goal-{objective}-{goal}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"The edit page has no goal {objective}.{goal}.");
        var end = html.IndexOf("<fieldset class=\"goal\"", start + 1, StringComparison.Ordinal);
        return html[start..(end < 0 ? html.Length : end)];
    }

    /// <summary>Every field of the edit form as the browser would post it: inputs (hidden and text) and text areas.</summary>
    private static Dictionary<string, string> FormFields(string html)
    {
        var fields = new Dictionary<string, string>();
        foreach (Match input in InputField().Matches(html))
        {
            var name = WebUtility.HtmlDecode(input.Groups["name"].Value);
            if (name.StartsWith("Input.", StringComparison.Ordinal) || name == "Token")
            {
                fields[name] = WebUtility.HtmlDecode(input.Groups["value"].Value);
            }
        }

        foreach (Match area in TextArea().Matches(html))
        {
            fields[WebUtility.HtmlDecode(area.Groups["name"].Value)] = WebUtility.HtmlDecode(area.Groups["value"].Value);
        }

        return fields;
    }

    [GeneratedRegex("""<input[^>]*?name="(?<name>[^"]+)"[^>]*?value="(?<value>[^"]*)"[^>]*>""")]
    private static partial Regex InputField();

    [GeneratedRegex("""<textarea[^>]*?name="(?<name>[^"]+)"[^>]*>(?<value>.*?)</textarea>""", RegexOptions.Singleline)]
    private static partial Regex TextArea();
}

using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Plans;

/// <summary>The plan page's action buttons, over HTTP with the sign-in cookie: the same transitions as the API's.</summary>
[Collection(ReviewCollection.Name)]
public sealed class PlanPageActionTests(ReviewApp app)
{
    private static readonly string SouSecretary = Users.Secretary(Committee.Sou);

    private static Dictionary<string, string> Action(string page, string action, string? comment = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["actionId"] = PageClient.FieldOf(page, action, "actionId"),
            ["token"] = PageClient.FieldOf(page, action, "token"),
        };
        if (comment is not null)
        {
            fields["comment"] = comment;
        }

        return fields;
    }

    [Fact]
    public async Task Submitting_from_the_plan_page_writes_the_journal_the_frozen_revision_and_the_event_like_the_api()
    {
        var plan = await app.CreatePlan(Committee.Sou);
        var secretary = await PageClient.SignIn(app, SouSecretary);
        var page = await secretary.Html($"/planer/{plan.Id}");

        var response = await secretary.Post($"/planer/{plan.Id}?handler=Take", page, Action(page, "submit"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"/planer/{plan.Id}", response.RequestMessage!.RequestUri!.AbsolutePath);
        var shown = await response.Content.ReadAsStringAsync();
        Assert.Contains("Handlingen »Indsend« er udført. Planen er nu i fasen »Administrativ behandling«.", shown);
        var state = await app.StateOf(plan.Id);
        Assert.Equal(new PlanState(Stages.AdministrativeReview, 1, state.Token, state.SubmittedBy, JournalEntries: 1, OutboxMessages: 1, Revisions: 1), state);
        Assert.NotNull(state.SubmittedBy);
        Assert.Equal(typeof(PlanSubmitted).FullName, Assert.Single(await app.OutboxOf(plan.Id)).Type);
        var entry = await app.WithDb(db => db.Journal.AsNoTracking().SingleAsync(j => j.PlanId == plan.Id));
        Assert.Equal(("submit", Stages.Draft, Stages.AdministrativeReview, 1), (entry.Action, entry.FromStage, entry.ToStage, entry.Revision));
    }

    [Fact]
    public async Task A_click_on_a_page_someone_else_acted_on_first_changes_nothing_and_says_so()
    {
        var plan = await app.CreatePlan(Committee.Sou);
        var secretary = await PageClient.SignIn(app, SouSecretary);
        var page = await secretary.Html($"/planer/{plan.Id}");
        await app.Take(SouSecretary, plan.Id, "submit");
        await app.Take(Users.AdministrativeReviewer, plan.Id, "return", "Ret målet.");
        var before = await app.StateOf(plan.Id);

        // The page still offers "submit" (the plan is a draft again), but from the version it showed.
        var response = await secretary.Post($"/planer/{plan.Id}?handler=Take", page, Action(page, "submit"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("Nogen anden handlede på planen før dig", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await app.StateOf(plan.Id));
    }

    [Fact]
    public async Task Returning_from_the_page_without_a_comment_shows_the_error_beside_the_field_and_changes_nothing()
    {
        var plan = await app.CreatePlan(Committee.Sou);
        await app.Take(SouSecretary, plan.Id, "submit");
        var before = await app.StateOf(plan.Id);
        var reviewer = await PageClient.SignIn(app, Users.AdministrativeReviewer);
        var page = await reviewer.Html($"/planer/{plan.Id}");

        var response = await reviewer.Post($"/planer/{plan.Id}?handler=Take", page, Action(page, "return", comment: "   "));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("""<span class="field-error" id="comment-return-error">Skriv en kommentar, så sekretæren ved, hvad der skal rettes.</span>""", html);
        Assert.Matches("""<textarea id="comment-return"[^>]*aria-invalid="true" aria-describedby="comment-return-error">""", html);
        Assert.Equal(before, await app.StateOf(plan.Id));
    }

    [Fact]
    public async Task A_blocked_approval_shows_its_reasons_linked_to_the_goal_and_offers_no_button()
    {
        var plan = await app.CreatePlan(Committee.Sou, ReviewApp.PlanBody("SOU", "Plan med pladsholder", "??????"));
        await app.Take(SouSecretary, plan.Id, "submit");
        var reviewer = await PageClient.SignIn(app, Users.AdministrativeReviewer);

        var html = await reviewer.Html($"/planer/{plan.Id}");

        Assert.Contains("""<div class="action action--blocked" data-action="approve">""", html);
        Assert.Contains("Alle resultatmål har en rigtig indikator", html);
        Assert.Contains("""<a href="#maal-1-1">Resultatmål 1</a>""", html);
        Assert.DoesNotContain("""<form method="post" class="action" data-action="approve" """, html);
        Assert.Contains("""<form method="post" class="action" data-action="return" """, html);
    }

    [Fact]
    public async Task A_secretary_is_offered_no_review_actions_and_a_posted_one_is_refused()
    {
        var plan = await app.CreatePlan(Committee.Sou);
        await app.Take(SouSecretary, plan.Id, "submit");
        var secretary = await PageClient.SignIn(app, SouSecretary);
        var page = await secretary.Html($"/planer/{plan.Id}");
        Assert.Contains("Du har ingen handlinger på planen i denne fase.", page);
        var before = await app.StateOf(plan.Id);

        var response = await secretary.Post($"/planer/{plan.Id}?handler=Take", page, new()
        {
            ["actionId"] = "approve",
            ["token"] = before.Token.ToString(),
        });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await app.StateOf(plan.Id));
    }
}

using Approvals.BrowserTests.Infrastructure;
using Approvals.Core.Plans;
using Approvals.Core.Review;
using Approvals.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Comments;

/// <summary>An app of its own: the journey takes a plan of its own through review, which no other browser test expects.</summary>
[CollectionDefinition(Name)]
public sealed class ReviewCommentsCollection : ICollectionFixture<BrowserApp>
{
    public const string Name = "review-comments";
}

/// <summary>
/// The journey in Chromium, each step clicked by the person whose step it is: a reviewer comments on goal 2 and
/// on goal 5's indicator and returns the plan; the secretary moves goal 5 above goal 2 and edits goal 2's indicator,
/// cannot resubmit until she has answered, answers both and resubmits; the reviewer sees exactly what changed.
/// </summary>
[Collection(ReviewCommentsCollection.Name)]
public sealed class ReviewCommentsJourneyTests(BrowserApp app)
{
    private const string OnGoal2 = "Mål 2 skal have en tidsramme.";
    private const string OnGoal5 = "Hvor mange besøgende er udgangspunktet?";

    private static PlanContent FiveGoals() => new(
    [
        new Objective("Flere bruger kulturen", Enumerable.Range(1, 5).Select(n => new ResultGoal(
            $"{n}", $"Mål {n}: flere borgere bruger kulturtilbud", [new Indicator($"Antallet af besøgende skal stige med {n * 5} procent")], [new Activity($"Kampagne {n}")])).ToList()),
    ]);

    [Fact]
    public async Task A_reviewer_comments_on_goals_the_secretary_moves_edits_and_answers_and_the_reviewer_sees_only_what_changed()
    {
        var id = await app.StartPlan(Committee.Kfu, "Kulturplan til gennemsyn", FiveGoals());
        await app.Take(id, DemoAccounts.SecretaryOf(Committee.Kfu), "submit");

        // The reviewer comments on goal 2 and on goal 5's indicator, beside the goals.
        var reviewer = await app.SignedIn("administrativ@approvals.local");
        await reviewer.GotoAsync($"/planer/{id}");
        await Comment(reviewer, "#kommentarer-1-2", "Kommentér resultatmål 2", null, OnGoal2);
        await Expect(reviewer.GetByRole(AriaRole.Status)).ToContainTextAsync("Kommentaren er gemt.");
        await Comment(reviewer, "#kommentarer-1-5", "Kommentér resultatmål 5", "Indikator 1: Antallet af besøgende skal stige med 25 procent", OnGoal5);
        await Expect(reviewer.Locator("#kommentarer-1-5 .review-comment")).ToContainTextAsync("Om indikator 1");
        await Expect(reviewer.Locator("#kommentarer-1-2 .review-comment")).ToContainTextAsync("Åben");
        await Accessibility.AssertNoSeriousViolations(reviewer);
        await BrowserApp.Screenshot(reviewer, "kommentarer-01-bedoemmer-kommenterer");

        await reviewer.GetByLabel("Kommentar til sekretæren (skal udfyldes)").FillAsync("Se mine kommentarer ved mål 2 og 5.");
        await reviewer.GetByRole(AriaRole.Button, new() { Name = "Send tilbage", Exact = true }).ClickAsync();
        await Expect(reviewer.Locator("[aria-current='step']")).ToContainTextAsync("Kladde");

        // The secretary moves goal 5 above goal 2 (three moves up); its comment moves with it on the edit page.
        var secretary = await app.SignedIn(DemoAccounts.SecretaryOf(Committee.Kfu));
        await secretary.GotoAsync($"/planer/{id}/rediger");
        await Expect(secretary.Locator("#goal-1-5 .goal-comments")).ToContainTextAsync(OnGoal5);
        for (var g = 5; g > 2; g--)
        {
            await secretary.Locator($"#goal-1-{g}").GetByRole(AriaRole.Button, new() { Name = "Flyt op" }).Last.ClickAsync();
            await Expect(secretary.Locator($"#goal-1-{g - 1} .goal-comments")).ToContainTextAsync(OnGoal5);
        }

        await Expect(secretary.Locator("#goal-1-3 .goal-comments")).ToContainTextAsync(OnGoal2);
        var indicator = secretary.Locator("#indicators-1-3").GetByLabel("Indikator 1", new() { Exact = true });
        await Expect(indicator).ToHaveValueAsync("Antallet af besøgende skal stige med 10 procent");
        await indicator.FillAsync("Antallet af besøgende skal stige med 10 procent inden 2027");
        await Accessibility.AssertNoSeriousViolations(secretary);
        await secretary.GetByRole(AriaRole.Button, new() { Name = "Gem planen" }).First.ClickAsync();
        await Expect(secretary.GetByRole(AriaRole.Status)).ToContainTextAsync("Planen er gemt");
        await BrowserApp.Screenshot(secretary, "kommentarer-02-sekretaer-flytter");

        // Resubmitting is blocked until the comments are answered, and the block names both.
        await secretary.GetByRole(AriaRole.Link, new() { Name = "Tilbage til planen" }).First.ClickAsync();
        var blocked = secretary.Locator(".action--blocked[data-action='submit']");
        await Expect(blocked).ToContainTextAsync(OnGoal2);
        await Expect(blocked).ToContainTextAsync(OnGoal5);
        await Expect(blocked.GetByRole(AriaRole.Link)).ToHaveTextAsync(["Resultatmål 2", "Resultatmål 5"]);
        await Expect(secretary.GetByRole(AriaRole.Button, new() { Name = "Indsend", Exact = true })).ToHaveCountAsync(0);
        await Accessibility.AssertNoSeriousViolations(secretary);
        await BrowserApp.Screenshot(secretary, "kommentarer-03-indsend-blokeret");

        // She answers both, beside their goals (goal 5 is now second, goal 2 third), and resubmits.
        await Answer(secretary, "#kommentarer-1-3", "Tidsrammen er tilføjet: inden 2027.");
        await Answer(secretary, "#kommentarer-1-2", "Udgangspunktet er 12.000 besøgende i 2025.");
        await Expect(secretary.Locator("#kommentarer-1-2 .review-comment")).ToContainTextAsync("Besvaret");
        await secretary.GetByRole(AriaRole.Button, new() { Name = "Indsend", Exact = true }).ClickAsync();
        await Expect(secretary.Locator("[aria-current='step']")).ToContainTextAsync("Administrativ behandling");

        // The reviewer sees the changes since the revision she returned: the move and the indicator, nothing else.
        await reviewer.GotoAsync($"/planer/{id}");
        await Expect(reviewer.GetByRole(AriaRole.Heading, new() { Name = "Ændringer siden udgave 1" })).ToBeVisibleAsync();
        var changes = reviewer.Locator("#aendringer li.change");
        await Expect(changes).ToHaveCountAsync(2);
        await Expect(changes.Nth(0)).ToContainTextAsync("Flyttet fra plads 5 til plads 2");
        await Expect(changes.Nth(1).Locator("dt")).ToHaveTextAsync(["Indikator 1"]);
        await Expect(changes.Nth(1).Locator("ins")).ToHaveCountAsync(1);
        await Expect(changes.Nth(1).Locator("ins")).ToContainTextAsync("inden 2027");
        await Expect(changes.Nth(1).Locator("del")).ToHaveCountAsync(0);
        await Expect(reviewer.Locator("#aendringer .changes__legend")).ToContainTextAsync("indsat tekst er understreget");
        await Expect(reviewer.Locator("#kommentarer-1-2 .review-comment")).ToContainTextAsync(OnGoal5);
        await Expect(reviewer.Locator("#kommentarer-1-3 .review-comment")).ToContainTextAsync(OnGoal2);
        await Expect(reviewer.Locator("#kommentarer-1-3 .review-reply")).ToContainTextAsync("Tidsrammen er tilføjet");
        await Accessibility.AssertNoSeriousViolations(reviewer);
        await BrowserApp.Screenshot(reviewer, "kommentarer-04-aendringer");

        var stored = await app.WithDb(db => db.PlanComments.AsNoTracking().Where(c => c.PlanId == id).Select(c => c.Status).ToListAsync());
        Assert.Equal([CommentStatus.Answered, CommentStatus.Answered], stored);
    }

    private static async Task Comment(IPage page, string row, string summary, string? indicator, string text)
    {
        var cell = page.Locator(row);
        await cell.GetByText(summary, new() { Exact = true }).ClickAsync();
        if (indicator is not null)
        {
            await cell.GetByLabel("Kommentaren gælder").SelectOptionAsync(new SelectOptionValue { Label = indicator });
        }

        await cell.GetByLabel("Kommentar", new() { Exact = true }).FillAsync(text);
        await cell.GetByRole(AriaRole.Button, new() { Name = "Gem kommentaren" }).ClickAsync();
        await Expect(page.Locator($"{row} .review-comment").Filter(new() { HasText = text })).ToHaveCountAsync(1);
    }

    private static async Task Answer(IPage page, string row, string text)
    {
        var cell = page.Locator(row);
        await cell.Locator("summary").Filter(new() { HasText = "Svar" }).First.ClickAsync();
        await cell.Locator("textarea[name='text']").First.FillAsync(text);
        await cell.GetByRole(AriaRole.Button, new() { Name = "Send svar" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Svaret er gemt.");
        await Expect(page.Locator($"{row} .review-reply")).ToContainTextAsync(text);
    }
}

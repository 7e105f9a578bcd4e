using Approvals.BrowserTests.Infrastructure;
using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Plans;

[Collection(BrowserCollection.Name)]
public sealed class EditPlanTests(BrowserApp app)
{
    private static readonly string SouSecretary = DemoAccounts.SecretaryOf(Committee.Sou);

    [Fact]
    public async Task A_secretary_adds_removes_reorders_and_saves_and_the_flags_follow()
    {
        var id = await app.StartPlan(Committee.Sou, "Redigeringsplan", TestPlans.TwoGoals());
        var page = await app.SignedIn(SouSecretary);
        await page.GotoAsync($"/planer/{id}/rediger");
        var firstGoal = page.Locator("#goal-1-1");
        await Expect(firstGoal.Locator(".flag--error")).ToContainTextAsync("pladsholder");

        // Replace the "??????" placeholder: add a real indicator, then remove the placeholder.
        await page.Locator("#indicators-1-1").GetByRole(AriaRole.Button, new() { Name = "Tilføj indikator" }).ClickAsync();
        var second = page.Locator("#indicators-1-1").GetByLabel("Indikator 2", new() { Exact = true });
        await second.FillAsync("Andelen af borgere med en god hverdag skal stige med 10 procentpoint");
        await page.Locator("#indicators-1-1 li").First.GetByRole(AriaRole.Button, new() { Name = "Fjern" }).ClickAsync();
        await Expect(page.Locator("#indicators-1-1 textarea")).ToHaveCountAsync(1);
        await Expect(page.Locator("#indicators-1-1 textarea")).ToHaveValueAsync("Andelen af borgere med en god hverdag skal stige med 10 procentpoint");

        // Move the second goal above the first.
        await page.Locator("#goal-1-2 > .row-actions").GetByRole(AriaRole.Button, new() { Name = "Flyt op" }).ClickAsync();
        await Expect(page.Locator("#goal-1-1 textarea[name$='.Text']").First).ToHaveValueAsync("Færre genindlæggelser");

        // A new goal without an indicator.
        await page.GetByRole(AriaRole.Button, new() { Name = "Tilføj resultatmål" }).ClickAsync();
        await Expect(page.Locator("#goal-1-3")).ToBeVisibleAsync();
        await Expect(page.Locator("#goal-1-3").GetByLabel("Nr.")).ToHaveValueAsync("3");
        await page.Locator("#goal-1-3").GetByLabel("Resultatmål", new() { Exact = true }).FillAsync("Flere aktive ældre");
        await BrowserApp.Screenshot(page, "rediger-ikke-gemt");

        await page.GetByRole(AriaRole.Button, new() { Name = "Gem planen" }).First.ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Planen er gemt");
        await Expect(page.Locator("#goal-1-2 .flag")).ToHaveCountAsync(0);
        await Expect(page.Locator("#goal-1-3 .flag--error")).ToContainTextAsync("ingen indikator");
        var saved = await app.WithDb(db => db.Plans.AsNoTracking().FirstAsync(p => p.Id == id));
        Assert.Equal(["Færre genindlæggelser", "Flere borgere skal have en god hverdag", "Flere aktive ældre"], saved.Content.Goals.Select(g => g.Text));
        Assert.Equal(["Andelen af borgere med en god hverdag skal stige med 10 procentpoint"], saved.Content.Objectives[0].Goals[1].Indicators.Select(i => i.Text));
        Assert.Equal(1, saved.FlaggedGoalCount);
        await BrowserApp.Screenshot(page, "rediger");

        await page.GotoAsync($"/planer/{id}");
        await Expect(page.Locator("#maal-1-1")).ToContainTextAsync("Færre genindlæggelser");
        await Expect(page.Locator("#maal-1-2 .flag")).ToHaveCountAsync(0);
        await Expect(page.Locator("#maal-1-3 .flag--error")).ToContainTextAsync("Fejl:");
    }

    [Fact]
    public async Task A_stale_save_says_someone_else_changed_the_plan_and_overwrites_nothing()
    {
        var id = await app.StartPlan(Committee.Sou, "Samtidig redigering", TestPlans.TwoGoals());
        var mine = await app.SignedIn(SouSecretary);
        var theirs = await mine.Context.NewPageAsync();
        await mine.GotoAsync($"/planer/{id}/rediger");
        await theirs.GotoAsync($"/planer/{id}/rediger");

        await theirs.GetByLabel("Planens titel").FillAsync("Deres titel");
        await theirs.GetByRole(AriaRole.Button, new() { Name = "Gem planen" }).First.ClickAsync();
        await Expect(theirs.GetByRole(AriaRole.Status)).ToContainTextAsync("Planen er gemt");

        await mine.GetByLabel("Planens titel").FillAsync("Min titel");
        await mine.GetByRole(AriaRole.Button, new() { Name = "Gem planen" }).First.ClickAsync();

        await Expect(mine.GetByRole(AriaRole.Alert)).ToContainTextAsync("Nogen anden har ændret planen");
        await Expect(mine.GetByLabel("Planens titel")).ToHaveValueAsync("Min titel");
        var saved = await app.WithDb(db => db.Plans.AsNoTracking().FirstAsync(p => p.Id == id));
        Assert.Equal("Deres titel", saved.Title);
        await Accessibility.AssertNoSeriousViolations(mine);
        await BrowserApp.Screenshot(mine, "rediger-forældet");
    }

    [Fact]
    public async Task Input_errors_are_shown_beside_the_field_and_nothing_is_saved()
    {
        var id = await app.StartPlan(Committee.Sou, "Plan med fejl i input", TestPlans.TwoGoals());
        var page = await app.SignedIn(SouSecretary);
        await page.GotoAsync($"/planer/{id}/rediger");

        await page.GetByLabel("Planens titel").FillAsync("");
        await page.Locator("#goal-1-1").GetByLabel("Nr.").FillAsync(new string('9', 21));
        await page.GetByRole(AriaRole.Button, new() { Name = "Gem planen" }).First.ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Planen er ikke gemt");
        await Expect(page.Locator("#Input_Title-error")).ToHaveTextAsync("Udfyld feltet.");
        await Expect(page.GetByLabel("Planens titel")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#goal-1-1 .field-error")).ToContainTextAsync("højst være 20 tegn");
        var saved = await app.WithDb(db => db.Plans.AsNoTracking().FirstAsync(p => p.Id == id));
        Assert.Equal("Plan med fejl i input", saved.Title);
        await Accessibility.AssertNoSeriousViolations(page);
        await BrowserApp.Screenshot(page, "rediger-inputfejl");
    }

    [Fact]
    public async Task Script_in_a_goal_is_shown_as_text_and_never_runs()
    {
        const string attack = "<script>window.__xss = 1</script><img src=x onerror=\"window.__xss = 2\">";
        var id = await app.StartPlan(Committee.Sou, "Plan med script", TestPlans.TwoGoals());
        var page = await app.SignedIn(SouSecretary);
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };

        await page.GotoAsync($"/planer/{id}/rediger");
        await page.Locator("#goal-1-1").GetByLabel("Resultatmål", new() { Exact = true }).FillAsync(attack);
        await page.GetByRole(AriaRole.Button, new() { Name = "Gem planen" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Planen er gemt");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"), "The goal's script ran on the edit page.");

        await page.GotoAsync($"/planer/{id}");

        await Expect(page.Locator("#maal-1-1 .goal-text")).ToHaveTextAsync(attack);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"), "The goal's script ran on the plan page.");
        await Expect(page.Locator("#maal-1-1 img")).ToHaveCountAsync(0);
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task A_plan_past_draft_cannot_be_edited_and_the_page_says_why()
    {
        var id = await app.StartPlan(Committee.Sou, "Indsendt plan", TestPlans.TwoGoals());
        await app.WithDb(db => db.Database.ExecuteSqlAsync($"""UPDATE "Plans" SET "Stage" = {Stages.CommitteeApproval} WHERE "Id" = {id}"""));
        var page = await app.SignedIn(SouSecretary);

        var response = await page.GotoAsync($"/planer/{id}/rediger");

        Assert.Equal(409, response!.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Planen er i fasen »Udvalgsgodkendelse«");
        await Expect(page.Locator("form.edit-form")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_secretary_starts_a_plan_for_her_committee_and_lands_on_its_edit_page()
    {
        var page = await app.SignedIn(SouSecretary);
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Start en ny plan" }).ClickAsync();
        await BrowserApp.Screenshot(page, "ny-plan");

        await page.GetByRole(AriaRole.Button, new() { Name = "Opret planen" }).ClickAsync();
        await Expect(page.Locator("[data-valmsg-for='Input.Title']")).ToHaveTextAsync("Udfyld feltet.");

        await page.GetByLabel("Planens titel").FillAsync("Handleplan 2027");
        await page.GetByRole(AriaRole.Button, new() { Name = "Opret planen" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Planen er oprettet");
        Assert.EndsWith("/rediger", page.Url);
        var plan = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Title == "Handleplan 2027"));
        Assert.Equal("SOU", plan.CommitteeCode);
        Assert.Equal(Stages.Draft, plan.Stage);
    }
}

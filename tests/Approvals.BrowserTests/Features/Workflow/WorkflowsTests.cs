using Approvals.BrowserTests.Infrastructure;
using Approvals.Web.Features.Accounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Workflow;

[Collection(BrowserCollection.Name)]
public sealed class WorkflowsTests(BrowserApp app)
{
    [Fact]
    public async Task The_workflow_is_drawn_in_the_page_language_with_a_table_of_the_same_transitions()
    {
        var page = await app.SignedIn(DemoAccounts.SecretaryOf(Approvals.Core.Plans.Committee.Sou));
        await page.GetByRole(AriaRole.Link, new() { Name = "Arbejdsgange" }).ClickAsync();

        var diagram = page.GetByRole(AriaRole.Img, new() { Name = "Arbejdsgangen »Udvalgets handleplan«", Exact = true });
        await Expect(diagram).ToBeVisibleAsync();
        await Expect(diagram.Locator(".diagram__stage")).ToHaveCountAsync(5);
        await Expect(diagram.Locator(".diagram__arrow--back")).ToHaveCountAsync(3);
        await Expect(diagram.Locator(".diagram__name").First).ToHaveTextAsync("1. Kladde");
        await Expect(page.Locator("table.transitions tbody tr")).ToHaveCountAsync(7);
        var box = await diagram.BoundingBoxAsync();
        Assert.True(box!.Width <= 1280, $"The diagram is {box.Width} px wide.");
        await Accessibility.AssertNoSeriousViolations(page);
        await BrowserApp.Screenshot(page, "arbejdsgange");

        await page.GetByText("Diagrammet som Mermaid-kilde").ClickAsync();
        await Expect(page.Locator("details code")).ToContainTextAsync("stateDiagram-v2");

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "The workflow “Committee action plan”", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator(".diagram__name").Last).ToHaveTextAsync("5. Adopted");
        await BrowserApp.Screenshot(page, "arbejdsgange-engelsk");
        await page.GetByRole(AriaRole.Button, new() { Name = "Dansk" }).ClickAsync();
    }
}

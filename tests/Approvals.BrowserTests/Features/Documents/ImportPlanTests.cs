using Approvals.BrowserTests.Infrastructure;
using Approvals.Core.Plans;
using Approvals.Tests.Features.Documents;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Documents;

/// <summary>Word in and out through the pages: upload and preview, create the draft, download, print.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ImportPlanTests(BrowserApp app)
{
    private static readonly string SudSecretary = DemoAccounts.SecretaryOf(Committee.Sud);

    private static FilePayload Docx(string name, byte[] content) => new()
    {
        Name = name,
        MimeType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Buffer = content,
    };

    [Fact]
    public async Task A_secretary_uploads_the_seed_document_checks_the_preview_and_creates_the_draft()
    {
        var page = await app.SignedIn(SudSecretary);
        await page.GetByRole(AriaRole.Link, new() { Name = "Importér fra Word" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/planer/importer$"));
        await Accessibility.AssertNoSeriousViolations(page);
        await BrowserApp.Screenshot(page, "importer");

        await page.GetByLabel("Word-dokument (.docx)").SetInputFilesAsync(Docx("Bilag 2.docx", SeedDocument.Build()));
        await page.GetByRole(AriaRole.Button, new() { Name = "Vis planen" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Forhåndsvisning: Handleplan: Socialudvalget" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-warning]")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-warning='merged-cell']")).ToContainTextAsync("resultatmål 1 og 2");
        await Expect(page.Locator("[data-warning='column-unnamed']")).ToContainTextAsync("læst som Aktiviteter");
        // Goal 8 (Kvinder …, the objective's second goal) has no indicator: the flag stands beside it.
        await Expect(page.Locator("#maal-4-2 .flag--error")).ToContainTextAsync("Fejl:");
        await Expect(page.Locator("#maal-6-1 .flag--warning")).ToContainTextAsync("Advarsel:");
        await Expect(page.Locator("#maal-1-1 .flag")).ToHaveCountAsync(0);
        await Accessibility.AssertNoSeriousViolations(page);
        await BrowserApp.Screenshot(page, "importer-forhaandsvisning");
        var before = await app.WithDb(db => db.Plans.CountAsync(p => p.CommitteeCode == "SUD"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Opret kladde" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Planen er oprettet som kladde fra Word-dokumentet.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Handleplan: Socialudvalget", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("#maal-4-2 .flag--error")).ToContainTextAsync("ingen indikator");
        Assert.Equal(before + 1, await app.WithDb(db => db.Plans.CountAsync(p => p.CommitteeCode == "SUD")));
        var id = Guid.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..]);
        var created = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == id));
        Assert.Equal(11, created.GoalCount);
        Assert.Equal(Stages.Draft, created.Stage);
        await BrowserApp.Screenshot(page, "importer-oprettet");
    }

    [Fact]
    public async Task A_file_that_is_not_a_docx_is_refused_beside_the_upload_in_Danish()
    {
        var page = await app.SignedIn(SudSecretary);
        await page.GotoAsync("/planer/importer");

        await page.GetByLabel("Word-dokument (.docx)").SetInputFilesAsync(new FilePayload
        {
            Name = "plan.pdf",
            MimeType = "application/pdf",
            Buffer = "%PDF-1.7\n"u8.ToArray(),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Vis planen" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Filen er ikke et Word-dokument (.docx).");
        await Expect(page.GetByLabel("Word-dokument (.docx)")).ToHaveAttributeAsync("aria-invalid", "true");
        await Accessibility.AssertNoSeriousViolations(page);
        await BrowserApp.Screenshot(page, "importer-fejl");
    }

    [Fact]
    public async Task A_file_over_10_MB_is_refused_with_the_limit_named()
    {
        var page = await app.SignedIn(SudSecretary);
        await page.GotoAsync("/planer/importer");

        // From a file on disk: Playwright hands the browser its path instead of sending 11 MB through its protocol.
        var path = Path.Combine(Path.GetTempPath(), $"stor-{Guid.NewGuid():N}.docx");
        await File.WriteAllBytesAsync(path, new byte[11 * 1024 * 1024]);
        try
        {
            await page.GetByLabel("Word-dokument (.docx)").SetInputFilesAsync(path, new() { Timeout = 60_000 });
            await page.GetByRole(AriaRole.Button, new() { Name = "Vis planen" }).ClickAsync(new() { Timeout = 60_000 });

            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Filen er større end 10 MB.", new() { Timeout = 60_000 });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_plan_page_downloads_the_plan_as_a_docx_that_imports_as_the_same_plan()
    {
        var sou = await app.WithDb(db => db.Plans.AsNoTracking().Where(p => p.CommitteeCode == "SOU").OrderBy(p => p.CreatedUtc).FirstAsync());
        var page = await app.SignedIn(DemoAccounts.SecretaryOf(Committee.Sou));
        await page.GotoAsync($"/planer/{sou.Id}");

        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Link, new() { Name = "Hent som Word-dokument (.docx)" }).ClickAsync());

        Assert.Equal("SOU - Handleplan Sundheds- og Omsorgsudvalget.docx", download.SuggestedFilename);
        var path = await download.PathAsync();
        var bytes = await File.ReadAllBytesAsync(path);
        await using var scope = app.Services.CreateAsyncScope();
        var imported = await scope.ServiceProvider.GetRequiredService<PlanImport>().PreviewAsync(bytes, Committee.Sou, CancellationToken.None);
        Assert.True(imported.Succeeded, imported.Problem?.Message);
        Assert.Equal(WithoutIds(sou.Content), WithoutIds(imported.Content!));
    }

    // An import gives every goal and indicator a new id, so only what the document says is compared.
    private static readonly System.Text.Json.JsonSerializerOptions IgnoringIds = new()
    {
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                info =>
                {
                    if (info.Properties.FirstOrDefault(p => p.Name == "Id") is { } id)
                    {
                        info.Properties.Remove(id);
                    }
                },
            },
        },
    };

    private static string WithoutIds(PlanContent content) => System.Text.Json.JsonSerializer.Serialize(content, IgnoringIds);

    [Fact]
    public async Task On_paper_the_plan_page_is_its_table_without_navigation_or_buttons()
    {
        var sud = await app.WithDb(db => db.Plans.AsNoTracking().Where(p => p.CommitteeCode == "SUD").OrderBy(p => p.CreatedUtc).FirstAsync());
        var page = await app.SignedIn(SudSecretary);
        // An A4 page's width at 96 dpi.
        await page.SetViewportSizeAsync(794, 1123);
        await page.GotoAsync($"/planer/{sud.Id}");

        await page.EmulateMediaAsync(new() { Media = Media.Print });

        await Expect(page.Locator(".site-header")).ToBeHiddenAsync();
        await Expect(page.Locator(".site-footer")).ToBeHiddenAsync();
        await Expect(page.Locator("section.actions")).ToBeHiddenAsync();
        await Expect(page.Locator(".downloads")).ToBeHiddenAsync();
        await Expect(page.Locator("main button:visible")).ToHaveCountAsync(0);
        await Expect(page.Locator("table.plan-table")).ToBeVisibleAsync();
        await Expect(page.Locator("#maal-4-2 .flag--error")).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<int>("() => document.querySelector('table.plan-table').scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"The table is {overflow} px wider than the page.");
        var fontSize = await page.EvaluateAsync<double>("() => parseFloat(getComputedStyle(document.querySelector('table.plan-table td')).fontSize)");
        Assert.InRange(fontSize, 11.0, 14.0); // 9 pt is 12 px: small, still readable
        await BrowserApp.Screenshot(page, "plan-udskrift");
        var pdf = await page.PdfAsync(new() { Format = "A4", PreferCSSPageSize = true });
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));
        await File.WriteAllBytesAsync(Path.Combine(BrowserApp.ScreenshotFolder, "plan-print.pdf"), pdf);
    }
}

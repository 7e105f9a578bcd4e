using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Documents;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Documents;

/// <summary>The page <c>/planer/importer</c> as a browser without script uses it: cookie, multipart upload, plain form posts.</summary>
[Collection(AppCollection.Name)]
public sealed partial class ImportPageTests(ApprovalsApp app)
{
    private static readonly Lazy<byte[]> Seed = new(() => SeedDocument.Build());

    private static MultipartFormDataContent Upload(byte[] file, string? token)
    {
        var form = DocumentApiTests.Form(file, "Bilag 2 – handleplaner.docx");
        if (token is not null)
        {
            form.Add(new StringContent(token), "__RequestVerificationToken");
        }

        return form;
    }

    private static string PreviewToken(string html) =>
        PreviewField().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("The page has no preview to create.");

    private Task<int> PlanCount() => app.WithDb(db => db.Plans.CountAsync());

    [Fact]
    public async Task A_secretary_uploads_sees_the_preview_with_flags_and_warnings_and_creates_the_draft()
    {
        var secretary = await PageClient.SignIn(app, Users.Secretary(Committee.Buu));
        var page = await secretary.Html("/planer/importer");
        Assert.Contains("enctype=\"multipart/form-data\"", page);
        var before = await PlanCount();

        var preview = await secretary.Http.PostAsync("/planer/importer?handler=Preview", Upload(Seed.Value, PageClient.TokenOf(page)));

        var html = await preview.Content.ReadAsStringAsync();
        Assert.True(preview.StatusCode == HttpStatusCode.OK, $"The preview answered {(int)preview.StatusCode}: {html}");
        Assert.Contains("Forhåndsvisning: Handleplan: Børne- og Ungdomsudvalget", html);
        Assert.Contains("Fra filen Bilag 2 – handleplaner.docx", html);
        Assert.Contains("data-flag=\"indicator-missing\"", html);
        Assert.Equal(2, Regex.Matches(html, "data-warning=\"merged-cell\"").Count);
        Assert.Contains("Opret kladde", html);
        Assert.Equal(before, await PlanCount());

        var created = await secretary.Post("/planer/importer?handler=Create", html, new() { ["preview"] = PreviewToken(html) });

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Matches("^/planer/[0-9a-f-]{36}$", created.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Planen er oprettet som kladde fra Word-dokumentet.", await created.Content.ReadAsStringAsync());
        var id = Guid.Parse(created.RequestMessage.RequestUri.AbsolutePath["/planer/".Length..]);
        var plan = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == id));
        Assert.Equal(Importer.Json(SeedDocument.Expected("BUU")), Importer.Json(plan.Content));
        Assert.Equal(("BUU", Stages.Draft), (plan.CommitteeCode, plan.Stage));
    }

    [Fact]
    public async Task Both_posts_need_the_antiforgery_token_and_change_nothing_without_it()
    {
        var secretary = await PageClient.SignIn(app, Users.Secretary(Committee.Kfu));
        var page = await secretary.Html("/planer/importer");
        var html = await (await secretary.Http.PostAsync("/planer/importer?handler=Preview", Upload(Seed.Value, PageClient.TokenOf(page)))).Content.ReadAsStringAsync();
        var before = await PlanCount();

        var upload = await secretary.Http.PostAsync("/planer/importer?handler=Preview", Upload(Seed.Value, token: null));
        var create = await secretary.Http.PostAsync("/planer/importer?handler=Create",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["preview"] = PreviewToken(html) }));

        Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Equal(before, await PlanCount());
    }

    [Fact]
    public async Task An_altered_or_another_users_preview_creates_nothing()
    {
        var secretary = await PageClient.SignIn(app, Users.Secretary(Committee.Kfu));
        var page = await secretary.Html("/planer/importer");
        var html = await (await secretary.Http.PostAsync("/planer/importer?handler=Preview", Upload(Seed.Value, PageClient.TokenOf(page)))).Content.ReadAsStringAsync();
        var token = PreviewToken(html);
        var colleague = await PageClient.SignIn(app, await app.CreateUser("Anden sekretær", Committee.Kfu, Approvals.Core.Accounts.Roles.Secretary));
        var colleaguePage = await colleague.Html("/planer/importer");
        var before = await PlanCount();

        var altered = await secretary.Post("/planer/importer?handler=Create", html, new() { ["preview"] = token[..^4] + (token[^4] == 'A' ? "B" : "A") + token[^3..] });
        var stolen = await colleague.Post("/planer/importer?handler=Create", colleaguePage, new() { ["preview"] = token });

        Assert.Equal(HttpStatusCode.BadRequest, altered.StatusCode);
        Assert.Contains("Forhåndsvisningen er udløbet eller ugyldig", await altered.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, stolen.StatusCode);
        Assert.Equal(before, await PlanCount());
    }

    [Theory]
    [InlineData("pdf", "Filen er ikke et Word-dokument (.docx)")]
    [InlineData("password-protected docx", "Filen er beskyttet med en adgangskode")]
    [InlineData("other committee", "Dokumentet rummer planer for TMU, men ikke for KFU.")]
    [InlineData("too long", "Resultatmål 1, tekst: Må højst være 4000 tegn (der er 4001).")]
    public async Task A_file_that_cannot_become_a_plan_says_why_in_Danish(string file, string says)
    {
        var secretary = await PageClient.SignIn(app, Users.Secretary(Committee.Kfu));
        var page = await secretary.Html("/planer/importer");
        var bytes = file switch
        {
            "other committee" => SeedDocument.Build("TMU"),
            "too long" => new DocxBuilder().Table(["Nr.", "Resultatmål", "Indikator"], ["1", new string('x', 4001), "Andelen stiger"]).Build(),
            _ => DocxBrokenFileTests.Make(file),
        };

        var response = await secretary.Http.PostAsync("/planer/importer?handler=Preview", Upload(bytes, PageClient.TokenOf(page)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(says.Replace("Resultatmål 1", "Målsætning 1, resultatmål 1"), html);
        Assert.Contains("role=\"alert\"", html);
        Assert.Contains("type=\"file\"", html); // the form is there to try again
    }

    [Fact]
    public async Task A_file_over_10_MB_is_refused_with_the_limit_named()
    {
        var secretary = await PageClient.SignIn(app, Users.Secretary(Committee.Kfu));
        var page = await secretary.Html("/planer/importer");

        var response = await secretary.Http.PostAsync("/planer/importer?handler=Preview", Upload(new byte[(int)DocxLimits.MaxFileBytes + 1], PageClient.TokenOf(page)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Filen er større end 10 MB.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Only_secretaries_get_the_page_and_the_plan_page_links_the_download()
    {
        var coordinator = await PageClient.SignIn(app, Users.Coordinator);
        var sou = await app.WithDb(db => db.Plans.AsNoTracking().FirstAsync(p => p.CommitteeCode == "SOU"));

        var refused = await coordinator.Http.GetAsync("/planer/importer");
        var planPage = await coordinator.Html($"/planer/{sou.Id}");
        var download = await coordinator.Http.GetAsync($"/api/plans/{sou.Id}/document");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains($"href=\"/api/plans/{sou.Id}/document\"", planPage);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode); // with the sign-in cookie, as the link is followed
        Assert.Equal(DocxPlanWriter.ContentType, download.Content.Headers.ContentType?.MediaType);
    }

    [GeneratedRegex(@"name=""preview"" value=""([^""]+)""")]
    private static partial Regex PreviewField();
}

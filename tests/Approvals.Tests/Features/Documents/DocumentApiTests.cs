using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Documents;
using Approvals.Web.Features.Plans;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using static Approvals.Tests.Features.Documents.Importer;

namespace Approvals.Tests.Features.Documents;

/// <summary><c>POST /api/plans/import</c> and <c>GET /api/plans/{id}/document</c> over HTTP with bearer tokens.</summary>
[Collection(AppCollection.Name)]
public sealed class DocumentApiTests(ApprovalsApp app)
{
    private static readonly Lazy<byte[]> Seed = new(() => SeedDocument.Build());

    public static MultipartFormDataContent Form(byte[] file, string name = "handleplan.docx", string field = "file")
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(DocxPlanWriter.ContentType);
        return new MultipartFormDataContent { { content, field, name } };
    }

    private async Task<HttpResponseMessage> Import(string email, string query, HttpContent body)
    {
        var client = await app.ClientFor(email);
        return await client.PostAsync($"/api/plans/import?{query}", body);
    }

    private Task<int> PlanCount() => app.WithDb(db => db.Plans.CountAsync());

    [Fact]
    public async Task Importing_without_save_answers_a_preview_and_saves_nothing()
    {
        var before = await PlanCount();

        var response = await Import(Users.Secretary(Committee.Sou), "committee=SOU", Form(Seed.Value));

        var preview = await response.ReadOk<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("SOU", preview.GetProperty("committee").GetString());
        Assert.Equal("Handleplan: Sundheds- og Omsorgsudvalget", preview.GetProperty("title").GetString());
        var goal = preview.GetProperty("objectives")[0].GetProperty("goals")[0];
        Assert.Equal("1", goal.GetProperty("number").GetString());
        Assert.Equal("??????", goal.GetProperty("indicators")[0].GetProperty("text").GetString());
        Assert.Equal(3, goal.GetProperty("activities").GetArrayLength());
        var flag = preview.GetProperty("flags").EnumerateArray().Single(f => f.GetProperty("code").GetString() == "indicator-placeholder");
        Assert.Equal(flag.GetProperty("messageDa").GetString(), flag.GetProperty("message").GetString());
        Assert.Equal(0, preview.GetProperty("warnings").GetArrayLength());
        Assert.Equal("da", response.Content.Headers.ContentLanguage.Single());
        Assert.Equal(before, await PlanCount());
    }

    [Fact]
    public async Task The_preview_carries_the_readers_warnings_in_the_language_asked_for()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Oeu));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/plans/import?committee=oeu") { Content = Form(Seed.Value) };
        request.Headers.AcceptLanguage.ParseAdd("en-GB");

        var preview = await (await client.SendAsync(request)).ReadOk<JsonElement>();

        var warning = preview.GetProperty("warnings").EnumerateArray().Single();
        Assert.Equal("merged-cell", warning.GetProperty("code").GetString());
        Assert.Equal(["1", "2", "3", "4"], warning.GetProperty("goals").EnumerateArray().Select(g => g.GetString()));
        Assert.Contains("merged across goals 1, 2, 3 and 4", warning.GetProperty("message").GetString());
        Assert.Contains("flettet", warning.GetProperty("messageDa").GetString());
    }

    [Fact]
    public async Task Importing_with_save_creates_the_draft_like_POST_api_plans()
    {
        var response = await Import(Users.Secretary(Committee.Oeu), "committee=ØU&save=true", Form(Seed.Value));

        var created = await response.ReadOk<PlanResponse>();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/plans/{created.Id}", response.Headers.Location!.AbsolutePath);
        Assert.Equal(created.ETag, response.Headers.ETag!.ToString());
        var plan = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == created.Id));
        Assert.Equal((Stages.Draft, 1, "ØU"), (plan.Stage, plan.Revision, plan.CommitteeCode));
        Assert.Equal(Json(SeedDocument.Expected("ØU")), Json(plan.Content));
        Assert.Equal(1, plan.FlaggedGoalCount);
        var owner = await app.WithDb(db => db.Users.SingleAsync(u => u.Id == plan.OwnerId));
        Assert.Equal(Users.Secretary(Committee.Oeu), owner.Email);
    }

    [Fact]
    public async Task Only_the_committees_own_secretary_may_import()
    {
        var before = await PlanCount();

        var otherSecretary = await Import(Users.Secretary(Committee.Tmu), "committee=SOU&save=true", Form(Seed.Value));
        var reviewer = await Import(Users.AdministrativeReviewer, "committee=SOU", Form(Seed.Value));
        var anonymous = await app.CreateClient().PostAsync("/api/plans/import?committee=SOU", Form(Seed.Value));

        var problem = await otherSecretary.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Contains("Sundheds- og Omsorgsudvalget's secretary", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, reviewer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(before, await PlanCount());
    }

    [Theory]
    [InlineData("", "committee")]
    [InlineData("committee=XYZ", "committee")]
    [InlineData("committee=SOU&save=maybe", "save")]
    public async Task A_bad_query_is_a_400_naming_the_field(string query, string field)
    {
        var problem = await (await Import(Users.Secretary(Committee.Sou), query, Form(Seed.Value))).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.ErrorFields());
    }

    public static TheoryData<string, string, string> BadUploads() => new()
    {
        { "pdf", "file", "not a Word document" },
        { "password-protected docx", "file", "protected with a password" },
        { "no plan table", "file", "No plan table was found" },
        { "empty", "file", "The file is empty" },
        { "other committee", "committee", "The document holds plans for TMU, but none for SOU" },
        { "no file field", "file", "no field \"file\"" },
        { "json body", "file", "multipart/form-data" },
    };

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task A_bad_upload_is_a_400_saying_what_was_expected_and_saves_nothing(string upload, string field, string says)
    {
        var before = await PlanCount();
        HttpContent body = upload switch
        {
            "no plan table" => Form(new DocxBuilder().Paragraph("Målsætning: Ingen tabel").Build()),
            "other committee" => Form(SeedDocument.Build("TMU")),
            "no file field" => Form(Seed.Value, field: "document"),
            "json body" => new StringContent("{\"file\": \"x\"}", Encoding.UTF8, "application/json"),
            _ => Form(DocxBrokenFileTests.Make(upload)),
        };

        var problem = await (await Import(Users.Secretary(Committee.Sou), "committee=SOU&save=true", body)).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.ErrorFields());
        Assert.Contains(says, problem.GetProperty("detail").GetString());
        Assert.Equal(before, await PlanCount());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_file_over_10_MB_is_refused_whether_or_not_its_length_is_announced(bool announced)
    {
        var before = await PlanCount();
        var file = new byte[(int)DocxLimits.MaxFileBytes + 1];
        file[0] = (byte)'P';
        var content = new StreamContent(new MemoryStream(file));
        var form = new MultipartFormDataContent { { content, "file", "stor.docx" } };
        HttpContent body = announced ? form : new Chunked(form);

        var problem = await (await Import(Users.Secretary(Committee.Sou), "committee=SOU&save=true", body)).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Contains("larger than 10 MB", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await PlanCount());
    }

    [Fact]
    public async Task A_plan_downloads_as_a_docx_named_after_committee_and_plan_and_imports_as_the_same_plan()
    {
        // The demo plan, not a copy another test imported.
        var oeu = await app.WithDb(db => db.Plans.AsNoTracking().Where(p => p.CommitteeCode == "ØU").OrderBy(p => p.CreatedUtc).FirstAsync());
        var coordinator = await app.ClientFor(Users.Coordinator);

        var response = await coordinator.GetAsync($"/api/plans/{oeu.Id}/document");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(DocxPlanWriter.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment; filename=\"OEU - Handleplan Oekonomiudvalget.docx\"; filename*=UTF-8''%C3%98U%20-%20Handleplan%20%C3%98konomiudvalget.docx",
            response.Content.Headers.ContentDisposition!.ToString());
        var docx = await response.Content.ReadAsByteArrayAsync();
        using (var document = WordprocessingDocument.Open(new MemoryStream(docx), false))
        {
            Assert.Contains("Fase: Kladde", document.MainDocumentPart!.Document!.Body!
                .Elements<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Select(p => p.InnerText));
        }

        var imported = await ReadOk(docx, Committee.Oeu);
        Assert.Equal(Json(oeu.Content), Json(imported.Content!));
        Assert.Equal(oeu.Title, imported.Plan!.Input.Title);
    }

    [Fact]
    public async Task The_download_follows_the_read_rule_of_the_plan()
    {
        var sou = await app.WithDb(db => db.Plans.AsNoTracking().FirstAsync(p => p.CommitteeCode == "SOU"));

        var otherSecretary = await (await app.ClientFor(Users.Secretary(Committee.Tmu))).GetAsync($"/api/plans/{sou.Id}/document");
        var ownSecretary = await (await app.ClientFor(Users.Secretary(Committee.Sou))).GetAsync($"/api/plans/{sou.Id}/document");
        var missing = await (await app.ClientFor(Users.Coordinator)).GetAsync($"/api/plans/{Guid.NewGuid()}/document");
        var anonymous = await app.CreateClient().GetAsync($"/api/plans/{sou.Id}/document");

        await otherSecretary.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, ownSecretary.StatusCode);
        await missing.AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("99999999999")]
    public async Task A_revision_that_is_not_a_positive_number_is_a_400_naming_it(string revision)
    {
        var sou = await app.WithDb(db => db.Plans.AsNoTracking().FirstAsync(p => p.CommitteeCode == "SOU"));

        var response = await (await app.ClientFor(Users.Coordinator)).GetAsync($"/api/plans/{sou.Id}/document?revision={revision}");

        Assert.Equal(["revision"], (await response.AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task The_openapi_document_names_and_describes_both_endpoints()
    {
        var client = await app.ClientFor(Users.Coordinator);

        using var json = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var paths = json.RootElement.GetProperty("paths");
        var import = paths.GetProperty("/api/plans/import").GetProperty("post");
        var export = paths.GetProperty("/api/plans/{id}/document").GetProperty("get");
        Assert.Equal("importPlan", import.GetProperty("operationId").GetString());
        Assert.Equal("exportPlanDocument", export.GetProperty("operationId").GetString());
        Assert.True(import.GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));
        Assert.All(new[] { "200", "201", "400", "401", "403" }, s => Assert.True(import.GetProperty("responses").TryGetProperty(s, out _), $"import: {s}"));
        Assert.All(new[] { "200", "400", "401", "403", "404" }, s => Assert.True(export.GetProperty("responses").TryGetProperty(s, out _), $"export: {s}"));
        Assert.False(string.IsNullOrWhiteSpace(export.GetProperty("description").GetString()));
    }

    /// <summary>A body without Content-Length, sent chunked: the limit must hold on the stream, not only on the header.</summary>
    private sealed class Chunked(HttpContent inner) : HttpContent
    {
        public Chunked(MultipartFormDataContent form)
            : this((HttpContent)form) => Headers.ContentType = form.Headers.ContentType;

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => inner.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

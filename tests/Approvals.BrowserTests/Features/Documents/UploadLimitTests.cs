using System.Net.Http.Headers;
using Approvals.BrowserTests.Infrastructure;
using Approvals.Core.Plans;
using Approvals.Tests.Features.Documents;
using Approvals.Web.Features.Accounts;
using DocumentFormat.OpenXml.Packaging;

namespace Approvals.BrowserTests.Features.Documents;

/// <summary>
/// The upload limits on the real server (Kestrel, whose own body limit is 1 MB for the rest of the API): a document
/// of a few megabytes is read, one over 10 MB is answered with the 400 that names the limit.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class UploadLimitTests(BrowserApp app)
{
    private async Task<HttpClient> Secretary()
    {
        var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = DemoAccounts.SecretaryOf(Committee.Kfu), password = DemoAccounts.Password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The seed's KFU part with a picture of <paramref name="bytes"/> random (incompressible) bytes.</summary>
    private static byte[] WithPicture(int bytes)
    {
        using var stream = new MemoryStream();
        stream.Write(SeedDocument.Build("KFU"));
        using (var document = WordprocessingDocument.Open(stream, true))
        {
            var picture = new byte[bytes];
            new Random(18).NextBytes(picture);
            document.MainDocumentPart!.AddImagePart(ImagePartType.Png).FeedData(new MemoryStream(picture));
        }

        return stream.ToArray();
    }

    private static MultipartFormDataContent Form(byte[] file) =>
        new() { { new ByteArrayContent(file) { Headers = { ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.wordprocessingml.document") } }, "file", "kfu.docx" } };

    [Fact]
    public async Task A_document_of_several_megabytes_is_read_on_the_real_server()
    {
        using var client = await Secretary();
        var file = WithPicture(3 * 1024 * 1024);

        var response = await client.PostAsync("/api/plans/import?committee=KFU", Form(file));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_file_over_10_MB_gets_the_400_naming_the_limit_on_the_real_server()
    {
        using var client = await Secretary();

        var response = await client.PostAsync("/api/plans/import?committee=KFU", Form(WithPicture(11 * 1024 * 1024)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("larger than 10 MB", await response.Content.ReadAsStringAsync());
    }
}

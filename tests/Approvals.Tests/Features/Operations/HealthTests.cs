using System.Text.Json;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Features.Operations;

[Collection(AppCollection.Name)]
public sealed class HealthTests(ApprovalsApp app)
{
    [Fact]
    public async Task Live_answers_anonymously_while_the_process_runs()
    {
        using var anonymous = app.CreateClient();

        var response = await anonymous.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_answers_anonymously_and_names_the_database_check()
    {
        using var anonymous = app.CreateClient();

        var response = await anonymous.GetAsync("/health/ready");

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetString());
    }

    [Fact]
    public async Task Ready_is_503_when_the_database_is_gone_while_live_stays_200()
    {
        await using var own = new ApprovalsApp();
        await own.InitializeAsync();
        using var anonymous = own.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

        await own.Database.MakeUnreachable();
        var ready = await anonymous.GetAsync("/health/ready");
        var live = await anonymous.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("database").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_answers_get_and_head_only(string path)
    {
        using var anonymous = app.CreateClient();

        var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        var others = new List<HttpStatusCode>();
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Delete, HttpMethod.Put, HttpMethod.Trace, HttpMethod.Patch })
        {
            others.Add((await anonymous.SendAsync(new HttpRequestMessage(method, path))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.All(others, status => Assert.Equal(HttpStatusCode.MethodNotAllowed, status));
    }
}

using System.Net.Http.Headers;
using System.Text.Json;
using Approvals.Core.Plans;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;

namespace Approvals.Tests.Features.Plans;

/// <summary>
/// The plan read through Kestrel on a real port (the in-memory test server buffers every answer and always knows its
/// length): the stored-document answer goes out with its length, not chunked, and is the plan.
/// </summary>
public sealed class PlanReadOverKestrelTests
{
    [Fact]
    public async Task A_plan_is_answered_with_its_length_not_in_chunks()
    {
        await using var app = new ConfiguredApp(new Dictionary<string, string?>());
        using var http = new HttpClient { BaseAddress = app.StartOnLoopback() };
        var login = await http.PostAsJsonAsync("/api/auth/login", new { email = Users.Secretary(Committee.Kfu), password = Approvals.Web.Features.Accounts.DemoAccounts.Password });
        var token = (await login.ReadOk<JsonElement>()).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var created = await (await http.PostAsJsonAsync("/api/plans", ReviewApp.CleanPlan(Committee.Kfu.Code, "Handleplan læst over en rigtig forbindelse"))).ReadOk<PlanResponse>();

        using var response = await http.GetAsync($"/api/plans/{created.Id}", HttpCompletionOption.ResponseHeadersRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        var read = JsonSerializer.Deserialize<PlanResponse>(bytes, JsonSerializerOptions.Web)!;
        Assert.Equal(created.Title, read.Title);
        Assert.Equal(created.Objectives[0].Goals[0].Id, read.Objectives[0].Goals[0].Id);
    }
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Approvals.Core.Plans;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;

namespace Approvals.Tests.Features.Plans;

/// <summary>
/// The hot answers through Kestrel on a real port (the in-memory test server buffers every answer and always knows its
/// length): the plan, its list of actions and a transition go out with their length, not chunked, and are whole.
/// </summary>
public sealed class PlanReadOverKestrelTests
{
    [Fact]
    public async Task A_plan_is_answered_with_its_length_not_in_chunks()
    {
        await using var app = new ConfiguredApp(new Dictionary<string, string?>());
        using var http = new HttpClient { BaseAddress = app.StartOnLoopback() };
        var created = await SignInAndStartPlan(http, "Handleplan læst over en rigtig forbindelse");

        using var response = await http.GetAsync($"/api/plans/{created.Id}", HttpCompletionOption.ResponseHeadersRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        var read = JsonSerializer.Deserialize<PlanResponse>(bytes, JsonSerializerOptions.Web)!;
        Assert.Equal(created.Title, read.Title);
        Assert.Equal(created.Objectives[0].Goals[0].Id, read.Objectives[0].Goals[0].Id);
    }

    [Fact]
    public async Task The_list_of_actions_and_a_transition_are_answered_with_their_length_not_in_chunks()
    {
        await using var app = new ConfiguredApp(new Dictionary<string, string?>());
        using var http = new HttpClient { BaseAddress = app.StartOnLoopback() };
        var created = await SignInAndStartPlan(http, "Handlinger over en rigtig forbindelse");

        using var actions = await http.GetAsync($"/api/plans/{created.Id}/actions", HttpCompletionOption.ResponseHeadersRead);
        var actionsBytes = await actions.Content.ReadAsByteArrayAsync();
        using var submit = new HttpRequestMessage(HttpMethod.Post, $"/api/plans/{created.Id}/transitions") { Content = JsonContent.Create(new { action = "submit" }) };
        submit.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(created.ETag));
        using var submitted = await http.SendAsync(submit, HttpCompletionOption.ResponseHeadersRead);
        var submittedBytes = await submitted.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, actions.StatusCode);
        Assert.NotEqual(true, actions.Headers.TransferEncodingChunked);
        Assert.Equal(actionsBytes.Length, actions.Content.Headers.ContentLength);
        Assert.Equal("application/json; charset=utf-8", actions.Content.Headers.ContentType?.ToString());
        var list = JsonSerializer.Deserialize<Approvals.Web.Features.Review.PlanActionsResponse>(actionsBytes, JsonSerializerOptions.Web)!;
        Assert.Contains(list.Actions, a => a.Action == "submit" && a.Allowed);

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.NotEqual(true, submitted.Headers.TransferEncodingChunked);
        Assert.Equal(submittedBytes.Length, submitted.Content.Headers.ContentLength);
        var taken = JsonSerializer.Deserialize<Approvals.Web.Features.Review.TransitionResponse>(submittedBytes, JsonSerializerOptions.Web)!;
        Assert.Equal(Stages.AdministrativeReview, taken.Stage);
        Assert.Equal(taken.ETag, submitted.Headers.ETag?.ToString());
    }

    // The KFU secretary signs in with a bearer token on http, and starts a plan that meets every guard.
    private static async Task<PlanResponse> SignInAndStartPlan(HttpClient http, string title)
    {
        var login = await http.PostAsJsonAsync("/api/auth/login", new { email = Users.Secretary(Committee.Kfu), password = Approvals.Web.Features.Accounts.DemoAccounts.Password });
        var token = (await login.ReadOk<JsonElement>()).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await (await http.PostAsJsonAsync("/api/plans", ReviewApp.CleanPlan(Committee.Kfu.Code, title))).ReadOk<PlanResponse>();
    }
}

using System.Net.Http.Headers;
using System.Text.Json;
using Approvals.Core.Plans;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Comments;
using Approvals.Web.Features.Plans;

namespace Approvals.Tests.Features.Comments;

/// <summary>What the comment tests do over the API, on the review tests' app.</summary>
public static class CommentSteps
{
    public static readonly string Secretary = Users.Secretary(Committee.Kfu);

    /// <summary>One objective with goals numbered 1–5, each with one measurable indicator and an activity: no flags.</summary>
    public static object FiveGoals(string title = "Kulturplan med fem mål") => new
    {
        committee = Committee.Kfu.Code,
        title,
        objectives = new[]
        {
            new
            {
                title = "Flere bruger kulturen",
                goals = Enumerable.Range(1, 5).Select(n => new
                {
                    number = $"{n}",
                    text = $"Mål {n}: flere borgere bruger kulturtilbud",
                    indicators = new[] { new { text = $"Antallet af besøgende skal stige med {n * 5} procent" } },
                    activities = new[] { new { text = $"Kampagne {n}" } },
                }).ToArray(),
            },
        },
    };

    /// <summary>A KFU plan of five goals, submitted: in administrative review, revision 1.</summary>
    public static async Task<PlanResponse> SubmittedPlan(ReviewApp app, string title = "Kulturplan med fem mål")
    {
        var plan = await app.CreatePlan(Committee.Kfu, FiveGoals(title));
        await app.Take(Secretary, plan.Id, "submit");
        return plan;
    }

    public static object Anchor(PlanResponse plan, int goal, int? indicator = null)
    {
        var g = plan.Objectives[0].Goals[goal - 1];
        return new { objective = plan.Objectives[0].Id, goal = g.Id, indicator = indicator is { } i ? g.Indicators[i - 1].Id : null };
    }

    public static Task<HttpResponseMessage> Write(HttpClient client, Guid planId, object? anchor, string text) =>
        client.PostAsJsonAsync($"/api/plans/{planId}/comments", new { anchor, text });

    public static Task<HttpResponseMessage> Reply(HttpClient client, Guid planId, Guid commentId, string text) =>
        client.PostAsJsonAsync($"/api/plans/{planId}/comments/{commentId}/replies", new { text });

    public static Task<HttpResponseMessage> Post(HttpClient client, Guid planId, Guid commentId, string what) =>
        client.PostAsync($"/api/plans/{planId}/comments/{commentId}/{what}", null);

    public static async Task<List<CommentResponse>> CommentsOf(ApprovalsApp app, Guid planId, string? status = null) =>
        (await (await app.ClientFor(Users.Coordinator)).GetFromJsonAsync<List<CommentResponse>>(
            $"/api/plans/{planId}/comments" + (status is null ? "" : $"?status={status}"), Json))!;

    /// <summary>Replaces the plan's content with <paramref name="objectives"/> (ids included) as its secretary, with If-Match.</summary>
    public static async Task<HttpResponseMessage> Put(ApprovalsApp app, PlanResponse plan, object objectives, string? etag = null)
    {
        var client = await app.ClientFor(Secretary);
        var current = await client.GetAsync($"/api/plans/{plan.Id}");
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/plans/{plan.Id}")
        {
            Content = JsonContent.Create(new { committee = plan.Committee, title = plan.Title, objectives }),
        };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag ?? current.Headers.ETag!.ToString()));
        return await client.SendAsync(request);
    }

    public static async Task<PlanResponse> Get(ApprovalsApp app, Guid planId) =>
        (await (await app.ClientFor(Users.Coordinator)).GetFromJsonAsync<PlanResponse>($"/api/plans/{planId}"))!;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}

using System.Net.Http.Headers;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.Review;

/// <summary>
/// An app of its own for the review tests: they move plans (the SOU seed plan among them) through stages,
/// which the shared app's tests must not see.
/// </summary>
public sealed class ReviewApp : ApprovalsApp
{
    /// <summary>A plan with no flags at all: one goal, numbered, with a measurable indicator.</summary>
    public static object CleanPlan(string committee, string title = "Handleplan til godkendelse") => PlanBody(committee, title, "Andelen skal stige med 5 procentpoint inden 2027");

    public static object PlanBody(string committee, string title, params string[] indicators) => new
    {
        committee,
        title,
        objectives = new[]
        {
            new
            {
                title = "Lige muligheder",
                goals = new[]
                {
                    new
                    {
                        number = "1",
                        text = "Flere borgere i job",
                        indicators = indicators.Select(text => new { text }).ToArray(),
                        activities = new[] { new { text = "Jobmesse" } },
                    },
                },
            },
        },
    };

    public async Task<PlanResponse> CreatePlan(Committee committee, object? body = null)
    {
        var client = await ClientFor(Users.Secretary(committee));
        return await (await client.PostAsJsonAsync("/api/plans", body ?? CleanPlan(committee.Code))).ReadOk<PlanResponse>();
    }

    public static Task<HttpResponseMessage> Act(HttpClient client, Guid planId, string action, string? etag, string? comment = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/plans/{planId}/transitions")
        {
            Content = JsonContent.Create(new { action, comment }),
        };
        if (etag is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        }

        return client.SendAsync(request);
    }

    /// <summary>Takes the action as <paramref name="email"/> on the plan's current version and expects success.</summary>
    public async Task<TransitionResponse> Take(string email, Guid planId, string action, string? comment = null)
    {
        var client = await ClientFor(email);
        var response = await Act(client, planId, action, await ETagOf(planId), comment);
        return await response.ReadOk<TransitionResponse>();
    }

    public async Task<string> ETagOf(Guid planId)
    {
        var client = await ClientFor(Users.Coordinator);
        var response = await client.GetAsync($"/api/plans/{planId}");
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag!.ToString();
    }

    /// <summary>Everything a refused transition must leave as it was.</summary>
    public Task<PlanState> StateOf(Guid planId) => WithDb(async db =>
    {
        var plan = await db.Plans.AsNoTracking().SingleAsync(p => p.Id == planId);
        return new PlanState(
            plan.Stage, plan.Revision, plan.ConcurrencyToken, plan.SubmittedBy,
            await db.Journal.CountAsync(j => j.PlanId == planId),
            await db.Outbox.CountAsync(m => m.PlanId == planId),
            await db.PlanRevisions.CountAsync(r => r.PlanId == planId));
    });

    public Task<List<OutboxMessage>> OutboxOf(Guid planId) =>
        WithDb(db => db.Outbox.AsNoTracking().Where(m => m.PlanId == planId).OrderBy(m => m.Id).ToListAsync());
}

public sealed record PlanState(string Stage, int Revision, Guid Token, string? SubmittedBy, int JournalEntries, int OutboxMessages, int Revisions);

[CollectionDefinition(Name)]
public sealed class ReviewCollection : ICollectionFixture<ReviewApp>
{
    public const string Name = "review";
}

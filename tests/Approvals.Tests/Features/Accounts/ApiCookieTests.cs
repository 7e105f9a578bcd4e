using System.Net.Http.Headers;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Accounts;

/// <summary>
/// On the API, a change needs a bearer token: the browser's sign-in cookie alone gets 401, so a page on another site
/// cannot use a signed-in browser to change anything. Reads still take the cookie (pages link to downloads).
/// Each change is also sent with a bearer token, which succeeds: the 401 is the cookie's, not the request's.
/// </summary>
public sealed class ApiCookieTests(ApprovalsApp app) : IClassFixture<ApprovalsApp>
{
    private static readonly Committee Committee = Committee.Kfu;

    public static TheoryData<string> Changes => ["POST /api/plans", "PUT /api/plans/{id}", "POST /api/plans/{id}/transitions", "POST /api/notifications/{id}/read"];

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task A_change_through_the_api_with_the_sign_in_cookie_alone_is_refused_and_changes_nothing(string endpoint)
    {
        var secretary = Users.Secretary(Committee);
        var cookie = await PageClient.SignIn(app, secretary);
        var plan = await NewPlan();
        var notification = await NewNotification(secretary, plan.Id);
        var before = await Snapshot(plan.Id, notification);

        var refused = await cookie.Http.SendAsync(Request(endpoint, plan, notification));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(before, await Snapshot(plan.Id, notification));
        var bearer = await (await app.ClientFor(secretary)).SendAsync(Request(endpoint, plan, notification));
        Assert.True(bearer.IsSuccessStatusCode, $"{endpoint} with a bearer token answered {(int)bearer.StatusCode}: {await bearer.Content.ReadAsStringAsync()}");
        Assert.NotEqual(before, await Snapshot(plan.Id, notification));
    }

    [Fact]
    public async Task Reads_through_the_api_still_take_the_cookie()
    {
        var coordinator = await PageClient.SignIn(app, Users.Coordinator);

        var plans = await coordinator.Http.GetAsync("/api/plans");
        var csv = await coordinator.Http.GetAsync("/api/reports/missing-indicators?format=csv");

        Assert.Equal(HttpStatusCode.OK, plans.StatusCode);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
    }

    private static HttpRequestMessage Request(string endpoint, PlanResponse plan, Guid notification)
    {
        var request = endpoint switch
        {
            "POST /api/plans" => new HttpRequestMessage(HttpMethod.Post, "/api/plans") { Content = JsonContent.Create(ReviewApp.CleanPlan(Committee.Code, "Ny plan")) },
            "PUT /api/plans/{id}" => new HttpRequestMessage(HttpMethod.Put, $"/api/plans/{plan.Id}") { Content = JsonContent.Create(ReviewApp.CleanPlan(Committee.Code, "Ændret titel")) },
            "POST /api/plans/{id}/transitions" => new HttpRequestMessage(HttpMethod.Post, $"/api/plans/{plan.Id}/transitions") { Content = JsonContent.Create(new { action = "submit" }) },
            "POST /api/notifications/{id}/read" => new HttpRequestMessage(HttpMethod.Post, $"/api/notifications/{notification}/read"),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, null),
        };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(plan.ETag));
        return request;
    }

    private async Task<PlanResponse> NewPlan() =>
        await (await (await app.ClientFor(Users.Secretary(Committee))).PostAsJsonAsync("/api/plans", ReviewApp.CleanPlan(Committee.Code, "Planen"))).ReadOk<PlanResponse>();

    private Task<Guid> NewNotification(string email, Guid planId) => app.WithDb(async db =>
    {
        var notification = new Notification
        {
            Id = Guid.CreateVersion7(),
            EventId = Guid.NewGuid(),
            RecipientId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync(),
            PlanId = planId,
            Kind = "PlanReturned",
            Subject = "Handleplan sendt tilbage",
            Body = "Tilføj en indikator.",
            Link = $"http://localhost/planer/{planId}",
            OccurredUtc = DateTime.UtcNow,
            CreatedUtc = DateTime.UtcNow,
        };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();
        return notification.Id;
    });

    /// <summary>What any of the changes would alter: the committee's plans, the plan's version, the notification's read time.</summary>
    private Task<string> Snapshot(Guid planId, Guid notification) => app.WithDb(async db =>
        $"{await db.Plans.CountAsync(p => p.CommitteeCode == Committee.Code)} plans; " +
        $"version {await db.Plans.Where(p => p.Id == planId).Select(p => p.ConcurrencyToken).SingleAsync()}; " +
        $"read {await db.Notifications.Where(n => n.Id == notification).Select(n => n.ReadUtc).SingleAsync()}");
}

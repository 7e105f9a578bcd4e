using System.Net.Http.Headers;
using System.Text;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Notifications;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Persistence;

/// <summary>
/// The longest input the API accepts, through the whole flow on PostgreSQL (which enforces column lengths, unlike
/// SQLite): created, edited, submitted, returned with the longest comment, approved to adoption, and every event's
/// notifications stored. Actors have the longest display name, or none and the longest user name.
/// </summary>
public sealed class LongestInputTests
{
    private const string LongestBaseUrl = "https://approvals.test/";

    [Fact]
    public async Task The_longest_inputs_go_from_draft_to_adoption_with_every_notification_stored_on_postgresql()
    {
        var baseUrl = LongestBaseUrl + new string('a', PlanLinks.MaxBaseUrlLength - LongestBaseUrl.Length);
        await using var app = new ConfiguredApp(new Dictionary<string, string?> { ["App:BaseUrl"] = baseUrl }, TestDatabase.Postgres());
        await app.StartAsync();
        var secretary = await Account(app, "sekretaer.lang@approvals.local", Longest('Å', AppUser.MaxDisplayNameLength), Committee.Biu, "Secretary");
        // No display name: the journal and the messages name the account by its user name, as long as Identity allows.
        var nameless = new string('r', AppUser.MaxUserNameLength - "@approvals.local".Length) + "@approvals.local";
        var reviewer = await Account(app, nameless, "", null, "AdministrativeReviewer");
        var title = Longest('Ø', PlanLimits.MaxTitleLength);
        var comment = Longest('æ', Approvals.Web.Features.Review.TransitionRequestValidator.MaxCommentLength);

        var created = await (await secretary.PostAsJsonAsync("/api/plans", Plan(title, 'a'))).ReadOk<PlanResponse>();
        var edited = await (await Put(secretary, created.Id, Plan(title, 'b'), created.ETag)).ReadOk<PlanResponse>();
        await Act(secretary, created.Id, "submit", edited.ETag);
        await Act(reviewer, created.Id, "return", null, comment);
        await Act(secretary, created.Id, "submit", null);
        await Act(reviewer, created.Id, "approve", null);
        await Act(await app.ClientFor(Users.CommitteeApprover(Committee.Biu)), created.Id, "approve", null);
        await Act(await app.ClientFor(Users.CouncilApprover), created.Id, "approve", null);

        var stored = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == created.Id));
        Assert.Equal((Stages.Adopted, title), (stored.Stage, stored.Title));
        Assert.Equal(new string('b', PlanLimits.MaxGoalTextLength), stored.Content.Objectives[0].Goals[0].Text);
        var journal = await app.WithDb(db => db.Journal.AsNoTracking().Where(j => j.PlanId == created.Id).OrderBy(j => j.Id).ToListAsync());
        Assert.Equal(nameless, journal[1].ActorName);
        Assert.Equal(comment, journal[1].Comment);

        // Six events, each delivered: the outbox row marked sent without error, and its entries in the inbox.
        var events = await Eventually.Get(
            () => app.WithDb(db => db.Outbox.AsNoTracking().Where(m => m.PlanId == created.Id).ToListAsync())!,
            rows => rows is { Count: 6 } && rows.All(r => r.SentUtc is not null),
            TimeSpan.FromSeconds(60),
            "all six events of the plan delivered");
        Assert.All(events, e => Assert.Null(e.LastError));
        var notifications = await app.WithDb(db => db.Notifications.AsNoTracking().Where(n => n.PlanId == created.Id).ToListAsync());
        Assert.Equal(6, notifications.Select(n => n.EventId).Distinct().Count());
        Assert.All(notifications, n => Assert.EndsWith(title, n.Subject, StringComparison.Ordinal));
        Assert.All(notifications, n => Assert.Equal($"{baseUrl}/planer/{created.Id}", n.Link));
        Assert.Contains(notifications, n => n.Body.Contains(comment, StringComparison.Ordinal));
    }

    private static string Longest(char letter, int length) => new(letter, length);

    /// <summary>One objective with the longest title, one goal with the longest number and text, the longest indicator and activity.</summary>
    private static object Plan(string title, char filler) => new
    {
        committee = "BIU",
        title,
        objectives = new[]
        {
            new
            {
                title = Longest(filler, PlanLimits.MaxObjectiveTitleLength),
                goals = new[]
                {
                    new
                    {
                        number = Longest('9', PlanLimits.MaxGoalNumberLength),
                        text = Longest(filler, PlanLimits.MaxGoalTextLength),
                        indicators = new[] { new { text = "Andelen stiger med 5 % " + Longest(filler, PlanLimits.MaxItemLength - 23) } },
                        activities = new[] { new { text = Longest(filler, PlanLimits.MaxItemLength) } },
                    },
                },
            },
        },
    };

    private static async Task<HttpClient> Account(ConfiguredApp app, string email, string displayName, Committee? committee, string role)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName, CommitteeCode = committee?.Code };
            var created = await users.CreateAsync(user, DemoAccounts.Password);
            Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
            Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        }

        return await app.ClientFor(email);
    }

    private static Task<HttpResponseMessage> Put(HttpClient client, Guid id, object body, string etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/plans/{id}") { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        return client.SendAsync(request);
    }

    private static async Task Act(HttpClient client, Guid id, string action, string? etag, string? comment = null)
    {
        etag ??= (await client.GetAsync($"/api/plans/{id}")).Headers.ETag!.ToString();
        await (await ReviewApp.Act(client, id, action, etag, comment)).ReadOk<TransitionResponse>();
    }
}

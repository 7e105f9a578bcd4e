using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Core.Accounts;
using Approvals.Core.Review;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Administration;
using Approvals.Web.Features.Notifications;
using Approvals.Web.Features.Plans;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Persistence;

/// <summary>
/// Every bounded string column holds the longest value the app can write into it. PostgreSQL refuses a longer value
/// (SQLite does not check), so a column shorter than its input fails only there, and only with the longest input:
/// a 300-character title once made the notification subject overflow and stopped the plan's deliveries.
/// </summary>
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class StoredLengthTests
{
    private const int UserIdLength = 36; // Identity makes user ids as GUIDs

    // Identity's own columns: written only by the seed and the administrator's tools, within Identity's limits.
    private static readonly string[] IdentityTables =
        ["AspNetUsers", "AspNetRoles", "AspNetUserLogins", "AspNetUserTokens", "AspNetUserClaims", "AspNetRoleClaims", "AspNetUserRoles"];

    [Fact]
    public void Every_bounded_string_column_holds_the_longest_value_the_app_writes_into_it()
    {
        var columns = BoundedColumns();
        var longest = LongestWritten();

        var unaudited = columns.Keys.Where(c => !longest.ContainsKey(c) && !IsIdentitysOwn(c)).ToList();
        Assert.True(unaudited.Count == 0, $"Bounded columns without an audited longest value (add them to {nameof(LongestWritten)}): {string.Join(", ", unaudited)}");
        var tooShort = longest.Where(l => l.Value > columns[l.Key]).Select(l => $"{l.Key} holds {columns[l.Key]} but gets up to {l.Value}").ToList();
        Assert.True(tooShort.Count == 0, string.Join("; ", tooShort));
    }

    private static bool IsIdentitysOwn(string column) =>
        IdentityTables.Contains(column.Split('.')[0]) && column is not ("AspNetUsers.DisplayName" or "AspNetUsers.CommitteeCode");

    [Fact]
    public void The_notification_subject_of_the_longest_title_is_stored_whole()
    {
        var title = new string('Æ', PlanLimits.MaxTitleLength);

        var subjects = Events(title).Select(e => NotificationText.Compose(e, RecipientReason.Owner, "", new Names(), "https://x/planer/1").Subject).ToList();

        Assert.All(subjects, s => Assert.EndsWith(title, s, StringComparison.Ordinal));
        Assert.All(subjects, s => Assert.InRange(s.Length, 1, Notification.MaxSubjectLength));
    }

    [Fact]
    public void A_base_address_that_leaves_no_room_for_the_plans_path_stops_the_start()
    {
        var longest = "https://approvals.test/" + new string('a', PlanLinks.MaxBaseUrlLength - "https://approvals.test/".Length);

        Assert.Equal(Notification.MaxLinkLength, PlanLinks.From(longest).For(Guid.NewGuid()).Length);
        Assert.Contains("App:BaseUrl", Assert.Throws<InvalidOperationException>(() => PlanLinks.From(longest + "a")).Message);
        Assert.Contains("App:BaseUrl", Assert.Throws<InvalidOperationException>(() => PlanLinks.From("approvals.test")).Message);
    }

    /// <summary>What the app writes into each column at most, from the limits it comes from.</summary>
    private static Dictionary<string, int> LongestWritten()
    {
        var events = typeof(IPlanEvent).Assembly.GetTypes().Where(t => t.IsClass && typeof(IPlanEvent).IsAssignableFrom(t)).ToList();
        var committeeCode = Committee.All.Max(c => c.Code.Length);
        var id = WorkflowDefinitionChecker.MaxIdLength;
        var title = PlanLimits.MaxTitleLength;
        var userName = BoundedColumns()["AspNetUsers.UserName"];
        var actorName = Math.Max(AppUser.MaxDisplayNameLength, userName);
        var accountActions = typeof(AccountAdministration.Actions).GetFields().Select(f => ((string)f.GetRawConstantValue()!).Length).Max();
        var longestSubject = Events(new string('x', title))
            .Max(e => NotificationText.Compose(e, RecipientReason.Owner, "", new Names(), "").Subject.Length);

        return new()
        {
            ["AspNetUsers.DisplayName"] = AppUser.MaxDisplayNameLength,
            ["AspNetUsers.CommitteeCode"] = committeeCode,
            ["Plans.CommitteeCode"] = committeeCode,
            ["Plans.Title"] = title,
            ["Plans.OwnerId"] = UserIdLength,
            ["Plans.Stage"] = id,
            ["Plans.WorkflowId"] = id,
            ["Plans.SubmittedBy"] = UserIdLength,
            ["PlanRevisions.Title"] = title,
            ["PlanRevisions.SubmittedBy"] = UserIdLength,
            ["Journal.Action"] = id,
            ["Journal.FromStage"] = id,
            ["Journal.ToStage"] = id,
            ["Journal.ActorId"] = UserIdLength,
            // The display name, or the user name of an account without one.
            ["Journal.ActorName"] = actorName,
            ["Journal.OnBehalfOfId"] = UserIdLength,
            ["Journal.OnBehalfOfName"] = actorName,
            ["Delegations.DelegatorId"] = UserIdLength,
            ["Delegations.DelegateId"] = UserIdLength,
            ["Delegations.CreatedBy"] = UserIdLength,
            ["Delegations.EndedBy"] = UserIdLength,
            ["Outbox.Type"] = events.Max(t => t.FullName!.Length),
            ["Notifications.RecipientId"] = UserIdLength,
            ["Notifications.Kind"] = events.Max(t => t.Name.Length),
            ["Notifications.Subject"] = longestSubject,
            ["Notifications.Link"] = PlanLinks.MaxBaseUrlLength + PlanLinks.PathLength,
            ["AccountSessions.UserId"] = UserIdLength,
            ["AccountSessions.Scheme"] = new[] { IdentityConstants.ApplicationScheme, IdentityConstants.BearerScheme }.Max(s => s.Length),
            ["AccountSessions.Method"] = new[] { "pwd", SingleSignOn.Method }.Max(m => m.Length),
            ["AccountSessions.SecurityStamp"] = 32, // Identity's stamps and AppUser.RenewSecurityStamp: 32 characters
            ["Invitations.UserId"] = UserIdLength,
            ["Invitations.TokenHash"] = Invitations.Hash("x").Length,
            ["Invitations.CreatedById"] = UserIdLength,
            ["AccountChanges.UserId"] = UserIdLength,
            ["AccountChanges.Action"] = accountActions,
            ["AccountChanges.ActorId"] = UserIdLength,
            ["AccountChanges.ActorName"] = new[] { actorName, AccountAdministration.SingleSignOnActor.Length, AccountAdministration.CommandActor.Length }.Max(),
            ["AccountChanges.Before"] = LongestAccountSnapshot(userName),
            ["AccountChanges.After"] = LongestAccountSnapshot(userName),
            ["PlanComments.Stage"] = id,
            ["PlanComments.ObjectiveId"] = ContentIds.MaxLength,
            ["PlanComments.GoalId"] = ContentIds.MaxLength,
            ["PlanComments.IndicatorId"] = ContentIds.MaxLength,
            ["PlanComments.GoalNumber"] = PlanLimits.MaxGoalNumberLength,
            ["PlanComments.GoalExcerpt"] = Excerpt.SnapshotLength,
            ["PlanComments.IndicatorExcerpt"] = Excerpt.SnapshotLength,
            ["PlanComments.AuthorId"] = UserIdLength,
            ["PlanComments.AuthorName"] = actorName,
            ["PlanComments.Text"] = CommentRules.MaxTextLength,
            ["PlanComments.Status"] = Enum.GetNames<CommentStatus>().Max(s => s.Length),
            ["PlanComments.StatusChangedBy"] = UserIdLength,
            ["CommentReplies.AuthorId"] = UserIdLength,
            ["CommentReplies.AuthorName"] = actorName,
            ["CommentReplies.Text"] = CommentRules.MaxTextLength,
            ["DeadlineNotices.Kind"] = Enum.GetNames<Approvals.Core.Deadlines.DeadlineNoticeKind>().Max(k => k.Length),
            ["DeadlineNotices.Stage"] = id,
            // A W3C traceparent of version 00: 2 + 1 + 32 + 1 + 16 + 1 + 2 characters.
            ["Outbox.TraceParent"] = "00-".Length + 32 + 1 + 16 + 1 + 2,
            ["OperatorActions.ActorId"] = UserIdLength,
            // Cut to the column by DeliveryOverview, as is the last error it keeps as the detail.
            ["OperatorActions.ActorName"] = Math.Min(actorName, OperatorAction.ActorNameMaxLength),
            ["OperatorActions.Action"] = new[] { Approvals.Web.Features.Operations.DeliveryOverview.RetryEvent, Approvals.Web.Features.Operations.DeliveryOverview.RetryEmail }.Max(a => a.Length),
            ["OperatorActions.Target"] = Guid.Empty.ToString().Length,
            ["OperatorActions.Detail"] = OperatorAction.DetailMaxLength,
            ["ReadinessProbes.Id"] = Guid.Empty.ToString("N").Length,
            ["ReadinessProbes.Padding"] = ReadinessProbe.MaxPaddingLength,
        };
    }

    /// <summary>
    /// An account's fields as its history stores them, at their longest and with every character escaped (six
    /// characters each, the most JSON takes): the longest e-mail address and name, every role, a committee.
    /// </summary>
    private static int LongestAccountSnapshot(int userName)
    {
        var user = new AppUser { Email = new string('<', userName), DisplayName = new string('<', AppUser.MaxDisplayNameLength), CommitteeCode = new string('<', Committee.MaxCodeLength) };
        var escaped = new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default };
        return System.Text.Json.JsonSerializer.Serialize(AccountAdministration.Snapshot(user, Roles.All.ToList()), escaped).Length;
    }

    /// <summary>Every string column with a length, as the PostgreSQL migrations create it: "Table.Column" and its length.</summary>
    private static Dictionary<string, int> BoundedColumns()
    {
        using var db = new ApprovalsDbContext(new DbContextOptionsBuilder<ApprovalsDbContext>().UseNpgsql("Host=unused").Options);
        return db.Model.GetRelationalModel().Tables
            .SelectMany(t => t.Columns.Select(c => (Name: $"{t.Name}.{c.Name}", c.ProviderClrType, MaxLength: c.PropertyMappings.First().Property.GetMaxLength())))
            .Where(c => c.ProviderClrType == typeof(string) && c.MaxLength is not null)
            .ToDictionary(c => c.Name, c => c.MaxLength!.Value);
    }

    private static IEnumerable<IPlanEvent> Events(string title)
    {
        var id = Guid.NewGuid();
        var now = DateTime.UtcNow;
        yield return new PlanSubmitted(id, id, "BIU", title, 1, "draft", "administrative-review", "a", now, []);
        yield return new PlanApproved(id, id, "BIU", title, 1, "administrative-review", "committee-approval", "a", now, []);
        yield return new PlanReturned(id, id, "BIU", title, 1, "administrative-review", "draft", "a", now, [], "Ret det.");
        yield return new PlanAdopted(id, id, "BIU", title, 1, "council-approval", "adopted", "a", now, []);
    }

    private sealed class Names : IStageNames
    {
        public string DisplayName(string stageId) => stageId;
    }
}

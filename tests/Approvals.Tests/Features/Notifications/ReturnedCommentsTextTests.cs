using System.Text.Json.Nodes;
using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Notifications;

namespace Approvals.Tests.Features.Notifications;

/// <summary>A return's notification lists the open comments; events written before comments existed still read.</summary>
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class ReturnedCommentsTextTests
{
    private sealed class Names : IStageNames
    {
        public string DisplayName(string stageId) => stageId;
    }

    private static PlanReturned Returned(IReadOnlyList<ReturnedComment>? open) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "KFU", "Kulturplan", 1, Stages.AdministrativeReview, Stages.Draft, "adm",
            new DateTime(2026, 11, 29, 9, 0, 0, DateTimeKind.Utc), ["Secretary"], "Se kommentarerne.") { OpenComments = open };

    [Fact]
    public void The_secretary_reads_each_open_comment_with_its_goal_number()
    {
        var planEvent = Returned(
        [
            new ReturnedComment(Guid.NewGuid(), "2", "Indikatoren mangler et tal."),
            new ReturnedComment(Guid.NewGuid(), null, "Planen er for lang."),
        ]);

        var (_, body) = NotificationText.Compose(planEvent, RecipientReason.CommitteeSecretary | RecipientReason.ActsNext, "Anne", new Names(), "http://x/planer/1");

        Assert.Contains("Åbne kommentarer", body);
        Assert.Contains("- Resultatmål 2: »Indikatoren mangler et tal.«", body);
        Assert.Contains("- Planen som helhed: »Planen er for lang.«", body);
    }

    [Fact]
    public void An_outbox_row_written_before_comments_existed_still_reads_and_lists_none()
    {
        var message = Row(Returned([new ReturnedComment(Guid.NewGuid(), "1", "x")]));
        var body = JsonNode.Parse(message.Body)!.AsObject();
        Assert.True(body.Remove("openComments"), "the event's JSON should have had the field to remove");
        message.Body = body.ToJsonString();

        var read = Assert.IsType<PlanReturned>(Outbox.Deserialize(message));
        var (_, text) = NotificationText.Compose(read, RecipientReason.Owner, "Anne", new Names(), "http://x/planer/1");

        Assert.Null(read.OpenComments);
        Assert.Equal("Se kommentarerne.", read.Comment);
        Assert.DoesNotContain("Åbne kommentarer", text);
    }

    /// <summary>An event as the outbox stores it (the serialisation of Outbox.Enqueue), without a database.</summary>
    private static OutboxMessage Row(IPlanEvent planEvent) => new()
    {
        MessageId = planEvent.EventId,
        PlanId = planEvent.PlanId,
        Type = planEvent.GetType().FullName!,
        Body = System.Text.Json.JsonSerializer.Serialize(planEvent, planEvent.GetType(), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)),
    };
}

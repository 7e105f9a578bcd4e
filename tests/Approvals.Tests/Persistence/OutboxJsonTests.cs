using System.Text.Json;
using Approvals.Core.Accounts;
using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Persistence;

namespace Approvals.Tests.Persistence;

/// <summary>
/// The outbox writes every event with the JSON generated at build time (<see cref="OutboxJson"/>): the same text the
/// reflection-based serializer with the web defaults wrote before, read back to the same event, for every event type.
/// </summary>
public sealed class OutboxJsonTests
{
    private static readonly JsonSerializerOptions Before = new(JsonSerializerDefaults.Web);

    private static readonly DateTime At = new DateTime(2026, 12, 3, 13, 34, 35, DateTimeKind.Utc).AddTicks(2528828);

    public static TheoryData<string> Events => new(Samples().Keys);

    private static Dictionary<string, IPlanEvent> Samples()
    {
        var plan = Guid.Parse("01a23c1c-d3a5-7724-8a3d-9b3cf2a1c1a5");
        string[] roles = [Roles.CommitteeApprover, Roles.Secretary];
        return new Dictionary<string, IPlanEvent>
        {
            ["submitted"] = new PlanSubmitted(Guid.CreateVersion7(), plan, "ØU", "Handleplan for Økonomiudvalget \"2027\" <b>", 2,
                Stages.Draft, Stages.AdministrativeReview, "actor-1", At, roles) { ActorName = "Sekretær, Økonomiudvalget", OwnerId = "owner-1" },
            ["submitted, nothing optional"] = new PlanSubmitted(Guid.CreateVersion7(), plan, "TMU", "T", 1,
                Stages.Draft, Stages.AdministrativeReview, "a", At, []),
            ["approved on behalf"] = new PlanApproved(Guid.CreateVersion7(), plan, "BUU", "Børne- og Ungdomsudvalget", 1,
                Stages.CommitteeApproval, Stages.CouncilApproval, "actor-2", At, [Roles.CouncilApprover])
            { OnBehalfOfName = "Æble Øster", ActorName = "Stedfortræder", OwnerId = "owner-2" },
            ["returned with comments"] = new PlanReturned(Guid.CreateVersion7(), plan, "SUD", "Sundhed", 3,
                Stages.AdministrativeReview, Stages.Draft, "actor-3", At, [Roles.Secretary], "Indikatorerne skal præciseres.\nLinje 2 \u2028 ☃")
            {
                OpenComments = [new ReturnedComment(Guid.NewGuid(), "1.2", "Mangler en indikator"), new ReturnedComment(Guid.NewGuid(), null, "Hele planen")],
            },
            ["returned, before comments existed"] = new PlanReturned(Guid.CreateVersion7(), plan, "SUD", "Sundhed", 3,
                Stages.AdministrativeReview, Stages.Draft, "actor-3", At, [], "Nej"),
            ["adopted"] = new PlanAdopted(Guid.CreateVersion7(), plan, "KFU", "Kultur og Fritid", 4,
                Stages.CouncilApproval, Stages.Adopted, "actor-4", At, []) { ActorName = "Borgerrepræsentationen" },
            ["deadline approaching"] = new PlanDeadlineApproaching(Guid.CreateVersion7(), plan, "SOU", "Social", 1,
                Stages.CommitteeApproval, 2, At.AddDays(-3), At.AddDays(4), TimeSpan.FromDays(2.5), At, [Roles.CommitteeApprover]),
            ["overdue"] = new PlanOverdue(Guid.CreateVersion7(), plan, "BIU", "Beskæftigelse", 1,
                Stages.CouncilApproval, 1, At.AddDays(-10), At.AddDays(-1), TimeSpan.FromHours(26), At, [Roles.CouncilApprover], ["chef@kk.dk", "leder@kk.dk"]),
        };
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void An_event_is_written_as_the_reflection_based_serializer_wrote_it_and_read_back_whole(string name)
    {
        var planEvent = Samples()[name];

        var row = Outbox.Message(planEvent);

        Assert.Equal(JsonSerializer.Serialize(planEvent, planEvent.GetType(), Before), row.Body);
        var read = Outbox.Deserialize(row);
        Assert.IsType(planEvent.GetType(), read);
        Assert.Equal(row.Body, JsonSerializer.Serialize(read, read.GetType(), Before));
        Assert.Equal(
            JsonSerializer.Serialize(JsonSerializer.Deserialize(row.Body, planEvent.GetType(), Before), planEvent.GetType(), Before),
            JsonSerializer.Serialize(read, read.GetType(), Before));
    }

    [Fact]
    public void Every_event_type_can_be_written_to_the_outbox()
    {
        var eventTypes = typeof(IPlanEvent).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && t.IsAssignableTo(typeof(IPlanEvent))).ToList();

        Assert.NotEmpty(eventTypes);
        Assert.All(eventTypes, type => Assert.NotNull(OutboxJson.Default.GetTypeInfo(type)));
        Assert.Equal(eventTypes.OrderBy(t => t.Name), Samples().Values.Select(e => e.GetType()).Distinct().OrderBy(t => t.Name));
    }

    [Fact]
    public void A_row_written_before_is_read_as_before_whatever_the_case_of_its_names_and_numbers_as_strings()
    {
        var row = new OutboxMessage
        {
            Type = typeof(PlanApproved).FullName!,
            Body = """
                {"EventId":"01a23c1d-2ef5-712b-a1f4-2f6749797e01","PLANID":"01a23c1c-d3a5-7724-8a3d-9b3cf2a1c1a5","committee":"TMU",
                 "planTitle":"Handleplan","revision":"2","fromStage":"committee-approval","toStage":"council-approval","actorId":"a",
                 "occurredUtc":"2026-12-03T13:34:35.2528828Z","actingRoles":["CouncilApprover"],"newStage":"ignored","unknown":1}
                """,
        };

        var read = Assert.IsType<PlanApproved>(Outbox.Deserialize(row));

        Assert.Equal(Guid.Parse("01a23c1c-d3a5-7724-8a3d-9b3cf2a1c1a5"), read.PlanId);
        Assert.Equal(2, read.Revision);
        Assert.Equal(At, read.OccurredUtc);
        Assert.Equal(DateTimeKind.Utc, read.OccurredUtc.Kind);
        Assert.Equal(["CouncilApprover"], read.ActingRoles);
        Assert.Null(read.ActorName);
    }
}

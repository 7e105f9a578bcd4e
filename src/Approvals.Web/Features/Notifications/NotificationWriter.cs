using Approvals.Core.Accounts;
using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Web.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Approvals.Web.Features.Notifications;

/// <summary>The address of a plan in the UI, from <c>App:BaseUrl</c>.</summary>
public sealed class PlanLinks
{
    /// <summary>What a link adds to the base address: <c>/planer/</c> and a plan id.</summary>
    public const int PathLength = 8 + 36;

    /// <summary>The longest <c>App:BaseUrl</c>: every link must fit in the stored column (<see cref="Notification.MaxLinkLength"/>).</summary>
    public const int MaxBaseUrlLength = Notification.MaxLinkLength - PathLength;

    private readonly string _baseUrl;

    private PlanLinks(string baseUrl) => _baseUrl = baseUrl;

    /// <summary>Refuses, at start-up, a base address that is not an absolute http(s) URL or leaves no room for the plan's path.</summary>
    public static PlanLinks From(string baseUrl)
    {
        var trimmed = baseUrl.Trim().TrimEnd('/');
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"App:BaseUrl '{baseUrl}' is not an absolute http or https address such as https://handleplaner.example.dk.");
        }

        if (trimmed.Length > MaxBaseUrlLength)
        {
            throw new InvalidOperationException(
                $"App:BaseUrl is {trimmed.Length} characters; notification links are stored in {Notification.MaxLinkLength}, so it may be at most {MaxBaseUrlLength}.");
        }

        return new PlanLinks(trimmed);
    }

    public string For(Guid planId) => $"{_baseUrl}/planer/{planId}";
}

/// <summary>
/// Turns a plan event into inbox entries: one per recipient, whatever the number of deliveries. A redelivery
/// finds its entries already stored and adds nothing; two deliveries racing each other meet the unique
/// (EventId, RecipientId) index, and the loser's retry then finds the entries stored.
/// </summary>
public sealed class NotificationWriter(
    ApprovalsDbContext db,
    PreparedReads reads,
    IStageNames stages,
    PlanLinks links,
    IOptions<SmtpOptions> smtp,
    OutboxSignal outboxSignal,
    OutboxDispatcher dispatcher,
    InboxBatches batches,
    MailSignal mailSignal,
    KeptWriter kept,
    Delegation.Delegations delegations,
    ILookupNormalizer normalizer,
    TimeProvider clock)
{
    // A delivery's reads run for every event: on statements prepared once (PreparedReads).
    private const string StoredRecipientsSql = """SELECT "RecipientId" FROM "Notifications" WHERE "EventId" = @eventId""";

    // The members of the roles told, by the roles' normalised names (Identity's index on them), then the user-role
    // index by role: the read grows with the members told, not with every user's roles.
    internal static readonly ProviderSql MembersOfSql = new(sqlite => $"""
        SELECT u."Id", u."CommitteeCode", r."Name"
        FROM "AspNetUserRoles" ur JOIN "AspNetRoles" r ON ur."RoleId" = r."Id" JOIN "AspNetUsers" u ON ur."UserId" = u."Id"
        WHERE {PreparedReads.OneOf(sqlite, "r.\"NormalizedName\"", "@roles")}
        """);

    public async Task<int> WriteAsync(IPlanEvent planEvent, CancellationToken cancellationToken)
    {
        var queries = Compiled<InboxQueries>.For(db);
        // Storing committed events takes its turn to write ahead of new requests (see WriteGate).
        using var delivery = WriteGate.AsDelivery();
        // One connection for the reads and the write: EF Core would otherwise open and close it for each,
        // and on SQLite every open re-registers EF Core's functions on the native connection. None on SQLite, where
        // the reads run on statements prepared once (PreparedReads) and the write on the kept writer's connection.
        if (!kept.Enabled)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        var recipients = await RecipientsAsync(planEvent, cancellationToken);
        var stored = await reads.ReadAsync(db, StoredRecipientsSql, Strings, cancellationToken, ("@eventId", planEvent.EventId));
        // Carried by the events of transitions; looked up for those written before they carried it.
        var actorName = planEvent.ActorName
            ?? (planEvent.ActorId.Length == 0 ? null : await queries.DisplayName(db, planEvent.ActorId))
            ?? "";

        var now = clock.GetUtcNow().UtcDateTime;
        var link = links.For(planEvent.PlanId);
        var entries = new List<Notification>();
        foreach (var (recipientId, reason) in recipients.Where(r => !stored.Contains(r.Key)))
        {
            var (subject, body) = NotificationText.Compose(planEvent, reason, actorName, stages, link);
            entries.Add(new Notification
            {
                Id = Guid.CreateVersion7(),
                EventId = planEvent.EventId,
                RecipientId = recipientId,
                PlanId = planEvent.PlanId,
                Kind = planEvent.GetType().Name,
                Subject = subject,
                Body = body,
                Link = link,
                OccurredUtc = planEvent.OccurredUtc,
                CreatedUtc = now,
                NextEmailAttemptUtc = smtp.Value.Enabled ? now : null,
            });
        }

        // One transaction (through the write gate, as a delivery) for the inbox entries and the outbox row, shared with
        // the other deliveries waiting for the gate at the moment (see InboxBatches). With the in-memory bus it also
        // claims the plan's next outbox row, which this delivery then hands to the dispatcher.
        var handOn = dispatcher.HandOnTerms() is { } terms ? (planEvent.PlanId, terms) : ((Guid, HandOnTerms)?)null;
        var written = await batches.StoreAsync(db, planEvent.EventId, entries, now, handOn);

        var added = entries.Count;
        if (added > 0)
        {
            Operations.ApprovalsTelemetry.NotificationsStored(planEvent, now);
        }

        if (written.Next is { } next)
        {
            // The plan's next event goes out now, not after the dispatcher's next pass.
            await dispatcher.HandOnAsync(db, next);
        }
        else if (written.MarkedSent)
        {
            // A later event of the same plan may have been waiting for this one (committed after the claim looked).
            outboxSignal.Wake();
        }

        if (added > 0 && smtp.Value.Enabled)
        {
            mailSignal.Wake();
        }

        return added;
    }

    private static HashSet<string> Strings(System.Data.Common.DbDataReader reader)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    /// <summary>
    /// The owner and the committee's secretaries hear of every return, approval and adoption; whoever may act
    /// in the new stage hears that the plan has reached them, and is reminded of its due time; the roles a stage
    /// escalates to hear that it is overdue; whoever holds one of them's authority while they are away hears it too. Never the actor.
    /// </summary>
    private async Task<Dictionary<string, RecipientReason>> RecipientsAsync(IPlanEvent planEvent, CancellationToken cancellationToken)
    {
        var committee = Committee.Find(planEvent.Committee)?.Code ?? planEvent.Committee;
        var tellsOwner = planEvent is PlanReturned or PlanApproved or PlanAdopted;
        // A reminder goes to those who may act now; an escalation to the roles the stage escalates to.
        var (toldRoles, toldReason) = planEvent is PlanOverdue overdue
            ? (overdue.EscalateTo, RecipientReason.Escalation)
            : (planEvent.ActingRoles, RecipientReason.ActsNext);
        var roles = toldRoles.ToHashSet(StringComparer.Ordinal);
        if (tellsOwner)
        {
            roles.Add(Roles.Secretary);
        }

        var members = await reads.ReadAsync(db, MembersOfSql.For(db), reader =>
        {
            var rows = new List<(string Id, string? CommitteeCode, string Role)>();
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetStringOrNull(1), reader.GetString(2)));
            }

            return rows;
        }, cancellationToken, ("@roles", roles.Select(role => normalizer.NormalizeName(role)).ToArray()));

        var recipients = new Dictionary<string, RecipientReason>();
        void Add(string userId, RecipientReason reason) =>
            recipients[userId] = recipients.GetValueOrDefault(userId) | reason;

        foreach (var member in members)
        {
            if (Roles.IsCommitteeBound(member.Role) && member.CommitteeCode != committee)
            {
                continue;
            }

            if (toldRoles.Contains(member.Role))
            {
                Add(member.Id, toldReason);
            }

            if (tellsOwner && member.Role == Roles.Secretary)
            {
                Add(member.Id, RecipientReason.CommitteeSecretary);
            }
        }

        if (tellsOwner)
        {
            var ownerId = planEvent.OwnerId ?? await Compiled<InboxQueries>.For(db).OwnerOf(db, planEvent.PlanId);
            if (!string.IsNullOrEmpty(ownerId))
            {
                Add(ownerId, RecipientReason.Owner);
            }
        }

        // While a delegation runs, the delegate hears what the delegator hears: one entry each, however many reasons.
        foreach (var (delegator, @delegate) in await delegations.DelegatesOfAsync(recipients.Keys, cancellationToken))
        {
            Add(@delegate, recipients[delegator]);
        }

        recipients.Remove(planEvent.ActorId);
        return recipients;
    }
}

/// <summary>
/// The inbox writer's queries, compiled (see <see cref="Compiled{T}"/>): a delivery runs them for every event, and EF
/// Core would otherwise translate the LINQ, extract its parameters and look up its query cache each time.
/// </summary>
public sealed class InboxQueries
{
    public Func<ApprovalsDbContext, string, Task<string?>> DisplayName { get; } = EF.CompileAsyncQuery(
        (ApprovalsDbContext db, string userId) => db.Users.Where(u => u.Id == userId).Select(u => (string?)u.DisplayName).FirstOrDefault());

    public Func<ApprovalsDbContext, Guid, Task<string?>> OwnerOf { get; } = EF.CompileAsyncQuery(
        (ApprovalsDbContext db, Guid planId) => db.Plans.Where(p => p.Id == planId).Select(p => (string?)p.OwnerId).FirstOrDefault());
}

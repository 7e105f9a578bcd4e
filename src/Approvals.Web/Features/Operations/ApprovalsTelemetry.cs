using System.Diagnostics;
using System.Diagnostics.Metrics;
using Approvals.Core.Contracts;

namespace Approvals.Web.Features.Operations;

/// <summary>
/// The app's own spans and business metrics, under one name (<see cref="Name"/>) that the OpenTelemetry set-up
/// listens to. Counters and the lag histogram live here so the code that counts needs no extra dependency;
/// the figures read from the database (outbox, e-mails, overdue plans) are <see cref="DeliveryGauges"/>.
/// </summary>
public static class ApprovalsTelemetry
{
    public const string Name = "Approvals";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Transitions = Meter.CreateCounter<long>(
        "approvals.plan.transitions", unit: "{transition}", description: "Workflow actions taken on plans, by action and the stage left and entered.");

    private static readonly Histogram<double> NotificationLag = Meter.CreateHistogram<double>(
        "approvals.notification.lag", unit: "s", description: "From a transition's commit to its notifications stored in the inbox.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] });

    private static readonly Counter<long> EmailsFailed = Meter.CreateCounter<long>(
        "approvals.email.failed", unit: "{attempt}", description: "Failed e-mail attempts; gave_up is true for the last one, after which the notification stays in the inbox only.");

    /// <summary>A transition was committed (its journal entry, revision and outbox row with it).</summary>
    public static void TransitionTaken(string action, string fromStage, string toStage) =>
        Transitions.Add(1, new("action", action), new("from_stage", fromStage), new("to_stage", toStage));

    /// <summary>An event's notifications were stored at <paramref name="storedUtc"/>.</summary>
    public static void NotificationsStored(IPlanEvent planEvent, DateTime storedUtc) =>
        NotificationLag.Record(Math.Max(0, (storedUtc - planEvent.OccurredUtc).TotalSeconds), new KeyValuePair<string, object?>("kind", planEvent.GetType().Name));

    public static void EmailFailed(bool gaveUp) => EmailsFailed.Add(1, new KeyValuePair<string, object?>("gave_up", gaveUp));

    /// <summary>
    /// A save written by statements of the app's own (ChangeWriter), past EF Core's instrumentation: a database client
    /// span like the ones EF Core makes for its statements, so a transition's write still shows in its trace.
    /// </summary>
    public static Activity? StartDatabaseSave(string system, int statements)
    {
        var activity = Source.StartActivity("SAVE", ActivityKind.Client);
        activity?.SetTag("db.system.name", system);
        activity?.SetTag("db.operation.name", "SAVE");
        activity?.SetTag("db.operation.batch.size", statements);
        return activity;
    }

    /// <summary>
    /// The trace context to store with an outbox row: the W3C <c>traceparent</c> of the activity that wrote it, so the
    /// dispatcher's publish continues the request's trace. Null when nothing is traced.
    /// </summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Starts the span of publishing one outbox row, as a child of the trace that wrote it (when there was one).</summary>
    public static Activity? StartOutboxPublish(string? traceParent, string eventType, Guid messageId, Guid planId)
    {
        ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent);
        var activity = Source.StartActivity($"outbox publish {eventType}", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.message.id", messageId.ToString());
        activity?.SetTag("approvals.plan.id", planId.ToString());
        activity?.SetTag("approvals.event.type", eventType);
        return activity;
    }
}

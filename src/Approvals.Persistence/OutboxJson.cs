using System.Text.Json;
using System.Text.Json.Serialization;
using Approvals.Core.Contracts;

namespace Approvals.Persistence;

/// <summary>
/// The outbox's JSON of every event (<see cref="IPlanEvent"/>), generated at build time with the web defaults the
/// reflection-based serializer used before: the same text, written without reflection's per-property converters
/// (writing a row's body was about 1 % of the app's CPU per transition). An event type that is not listed here cannot be
/// written to the outbox; a test checks that every one is.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PlanSubmitted))]
[JsonSerializable(typeof(PlanApproved))]
[JsonSerializable(typeof(PlanReturned))]
[JsonSerializable(typeof(PlanAdopted))]
[JsonSerializable(typeof(PlanDeadlineApproaching))]
[JsonSerializable(typeof(PlanOverdue))]
internal sealed partial class OutboxJson : JsonSerializerContext;

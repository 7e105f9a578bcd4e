using System.Diagnostics;
using Approvals.Core.Plans;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Approvals.Tests.Features.Operations;

/// <summary>Without an OTLP endpoint nothing receives traces, so none are recorded; the trace context still travels.</summary>
[Collection(AppCollection.Name)]
public sealed class UntracedTests(ApprovalsApp app)
{
    [Fact]
    public async Task Without_an_exporter_no_spans_are_recorded_but_the_outbox_row_still_carries_the_requests_trace_context()
    {
        // (Not ActivitySource.HasListeners: listeners are process-wide, and another test app in this process records traces.)
        Assert.Null(app.Services.GetService<TracerProvider>());

        var secretary = await app.ClientFor(Users.Secretary(Committee.Find("KFU")!));
        var plan = await (await secretary.PostAsJsonAsync("/api/plans", ReviewApp.CleanPlan("KFU", "Usporet handleplan"))).ReadOk<PlanResponse>();
        (await ReviewApp.Act(secretary, plan.Id, "submit", plan.ETag)).EnsureSuccessStatusCode();

        var traceParent = await app.WithDb(db => db.Outbox.Where(m => m.PlanId == plan.Id).Select(m => m.TraceParent).SingleAsync());
        Assert.NotNull(traceParent);
        Assert.NotEqual(default, ActivityContext.Parse(traceParent!, null).TraceId);
    }
}

using System.Diagnostics;
using Activity = System.Diagnostics.Activity;
using Approvals.Core.Plans;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Operations;
using Approvals.Web.Features.Plans;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Approvals.Tests.Features.Operations;

/// <summary>The app with in-memory exporters for its traces and metrics, as an OTLP collector would receive them.</summary>
public sealed class TelemetryApp : ApprovalsApp
{
    private readonly List<Activity> _spans = [];

    private readonly List<MetricSnapshot> _metrics = [];

    /// <summary>The spans exported so far (the exporter adds from other threads, so read a copy).</summary>
    public List<Activity> Spans()
    {
        lock (_spans)
        {
            return [.. _spans];
        }
    }

    /// <summary>The metrics as of now: collects every instrument, then returns the latest export.</summary>
    public List<MetricSnapshot> Metrics()
    {
        Services.GetRequiredService<MeterProvider>().ForceFlush(10_000);
        lock (_metrics)
        {
            return [.. _metrics];
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // As an installation with an OTLP endpoint would, without connecting anywhere: the exporter is in memory.
        builder.UseSetting(TelemetryExtensions.TracesKey, "true");
        builder.ConfigureTestServices(services =>
        {
            services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new SimpleActivityExportProcessor(new LockedExporter<Activity>(_spans))));
            services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(new LockedCollection(_metrics)));
        });
    }

    private sealed class LockedExporter<T>(List<T> items) : BaseExporter<T>
        where T : class
    {
        public override ExportResult Export(in Batch<T> batch)
        {
            lock (items)
            {
                foreach (var item in batch)
                {
                    items.Add(item);
                }
            }

            return ExportResult.Success;
        }
    }

    /// <summary>Keeps only the latest export (each export holds every instrument, cumulative).</summary>
    private sealed class LockedCollection(List<MetricSnapshot> items) : ICollection<MetricSnapshot>
    {
        public int Count => items.Count;

        public bool IsReadOnly => false;

        public void Add(MetricSnapshot item)
        {
            lock (items)
            {
                items.RemoveAll(m => m.Name == item.Name && m.MeterName == item.MeterName);
                items.Add(item);
            }
        }

        public void Clear()
        {
            lock (items)
            {
                items.Clear();
            }
        }

        public bool Contains(MetricSnapshot item) => items.Contains(item);

        public void CopyTo(MetricSnapshot[] array, int arrayIndex) => items.CopyTo(array, arrayIndex);

        public bool Remove(MetricSnapshot item) => items.Remove(item);

        public IEnumerator<MetricSnapshot> GetEnumerator() => items.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>One plan's transition followed through traces and metrics: the request, the outbox, the bus, the consumer.</summary>
public sealed class TelemetryTests(TelemetryApp app) : IClassFixture<TelemetryApp>
{
    [Fact]
    public async Task A_transition_is_one_trace_from_the_request_through_the_outbox_and_the_bus_to_the_consumer()
    {
        var secretary = await app.ClientFor(Users.Secretary(Committee.Find("SOU")!));
        var plan = await (await secretary.PostAsJsonAsync("/api/plans", ReviewApp.CleanPlan("SOU", "Sporet handleplan"))).ReadOk<PlanResponse>();

        (await ReviewApp.Act(secretary, plan.Id, "submit", plan.ETag)).EnsureSuccessStatusCode();

        // The outbox row carries the request's trace context to the dispatcher.
        var traceParent = await app.WithDb(db => db.Outbox.Where(m => m.PlanId == plan.Id).Select(m => m.TraceParent).SingleAsync());
        Assert.NotNull(traceParent);
        var traceId = ActivityContext.Parse(traceParent!, null).TraceId;

        List<Activity> trace = [];
        var deadline = DateTime.UtcNow.AddSeconds(60); // generous: the machine is loaded
        while (DateTime.UtcNow < deadline)
        {
            trace = app.Spans().Where(s => s.TraceId == traceId).ToList();
            if (trace.Any(s => s.Kind == ActivityKind.Consumer))
            {
                break;
            }

            await Task.Delay(200);
        }

        var request = Assert.Single(trace, s => s.Kind == ActivityKind.Server);
        Assert.Equal($"/api/plans/{plan.Id}/transitions", request.GetTagItem("url.path"));
        var outbox = Assert.Single(trace, s => s.Source.Name == ApprovalsTelemetry.Name && s.DisplayName == "outbox publish PlanSubmitted");
        Assert.Equal(plan.Id.ToString(), outbox.GetTagItem("approvals.plan.id"));
        var publish = Assert.Single(trace, s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Producer);
        Assert.Equal(outbox.SpanId, publish.ParentSpanId);
        Assert.Contains(trace, s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer);
        // The database work of the request and of the consumer is in the trace too.
        Assert.Contains(trace, s => s.Kind == ActivityKind.Client && s.ParentSpanId == request.SpanId);
    }

    [Fact]
    public async Task A_transition_shows_up_in_the_metrics_by_action_and_stage_and_its_notifications_in_the_lag()
    {
        var secretary = await app.ClientFor(Users.Secretary(Committee.Find("TMU")!));
        var plan = await (await secretary.PostAsJsonAsync("/api/plans", ReviewApp.CleanPlan("TMU", "Målt handleplan"))).ReadOk<PlanResponse>();

        (await ReviewApp.Act(secretary, plan.Id, "submit", plan.ETag)).EnsureSuccessStatusCode();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !await app.WithDb(db => db.Notifications.AnyAsync(n => n.PlanId == plan.Id)))
        {
            await Task.Delay(200);
        }

        var metrics = app.Metrics();
        var transitions = metrics.Single(m => m.Name == "approvals.plan.transitions");
        Assert.Contains(transitions.MetricPoints, p => Tag(p, "action") == "submit" && Tag(p, "from_stage") == Stages.Draft
            && Tag(p, "to_stage") == Stages.AdministrativeReview && p.GetSumLong() >= 1);
        var lag = metrics.Single(m => m.Name == "approvals.notification.lag");
        Assert.Contains(lag.MetricPoints, p => Tag(p, "kind") == "PlanSubmitted" && p.GetHistogramCount() >= 1);
        var outbox = metrics.Single(m => m.Name == "approvals.outbox.waiting");
        Assert.Equal(["failing", "waiting"], outbox.MetricPoints.Select(p => Tag(p, "state")).Distinct().Order());
        Assert.Single(metrics, m => m.Name == "approvals.plans.overdue");
    }

    [Fact]
    public async Task Without_the_setting_there_is_no_metrics_endpoint()
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync(TelemetryExtensions.MetricsPath);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("approvals_", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task With_Metrics_Prometheus_the_metrics_endpoint_serves_the_business_metrics_without_sign_in()
    {
        await using var prometheus = await new ConfiguredApp(new Dictionary<string, string?> { [TelemetryExtensions.PrometheusKey] = "true" }).StartAsync();
        using var client = prometheus.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync(TelemetryExtensions.MetricsPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("approvals_outbox_waiting", text);
        Assert.Contains("approvals_email_undelivered", text);
    }

    private static string? Tag(MetricPoint point, string name)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }
}

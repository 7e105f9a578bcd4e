using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Approvals.Web.Features.Operations;

/// <summary>
/// Traces and metrics through OpenTelemetry: ASP.NET Core, HttpClient, EF Core, MassTransit and the app's own
/// (<see cref="ApprovalsTelemetry"/>). Nothing leaves the process unless configured: OTLP only when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, the Prometheus scrape endpoint only with <c>Metrics:Prometheus=true</c>.
/// Traces are recorded only when something receives them (OTLP, or <c>Telemetry:Traces=true</c> for an exporter added
/// in code): recording every request's, command's and message's spans for no one cost about a twentieth of the CPU of
/// a transition. The trace context is carried either way (the outbox row's <c>traceparent</c>, problem details' <c>traceId</c>).
/// </summary>
public static class TelemetryExtensions
{
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string PrometheusKey = "Metrics:Prometheus";

    /// <summary>Record traces although no OTLP endpoint is set: for an exporter or processor added in code (the tests add one).</summary>
    public const string TracesKey = "Telemetry:Traces";

    public const string MetricsPath = "/metrics";

    /// <summary>The name of MassTransit's activity source and meter (publish, send, receive, consume).</summary>
    private const string MassTransitName = "MassTransit";

    public static void AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DeliveryGauges>();
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "approvals",
                serviceVersion: typeof(TelemetryExtensions).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics => metrics
                .AddMeter(ApprovalsTelemetry.Name)
                .AddMeter(MassTransitName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation());

        if (otlp || builder.Configuration.GetValue<bool>(TracesKey))
        {
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new NoBackgroundClientRootsSampler())
                .AddSource(ApprovalsTelemetry.Name)
                .AddSource(MassTransitName)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation());
        }

        if (otlp)
        {
            // Endpoint, protocol and headers come from the standard OTEL_EXPORTER_OTLP_* settings.
            telemetry.UseOtlpExporter();
        }

        if (builder.Configuration.GetValue<bool>(PrometheusKey))
        {
            telemetry.WithMetrics(metrics => metrics.AddPrometheusExporter());
        }
    }

    /// <summary>
    /// <c>/metrics</c> in Prometheus' text format, only with <c>Metrics:Prometheus=true</c>. Anonymous: a scraper cannot
    /// sign in, and the figures are counts without names or plan content. Keep it off the public network (see README).
    /// </summary>
    public static void MapMetrics(this WebApplication app)
    {
        // The gauges register with the meter when first resolved.
        _ = app.Services.GetRequiredService<DeliveryGauges>();
        if (app.Configuration.GetValue<bool>(PrometheusKey))
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous().ExcludeFromDescription();
        }
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments(MetricsPath);

    /// <summary>
    /// Everything as its parent decides, and every root span, except a client span without a parent: the database
    /// reads of the dispatcher's and mailer's polling, which would be a trace of their own every second. A poll that
    /// does work (publishing an outbox row) starts a span of its own, under which its database calls are kept.
    /// </summary>
    private sealed class NoBackgroundClientRootsSampler : Sampler
    {
        private readonly Sampler _inner = new ParentBasedSampler(new AlwaysOnSampler());

        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            samplingParameters.ParentContext.TraceId == default && samplingParameters.Kind == ActivityKind.Client
                ? new SamplingResult(SamplingDecision.Drop)
                : _inner.ShouldSample(samplingParameters);
    }
}

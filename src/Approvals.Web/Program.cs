using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Committees;
using Approvals.Web.Features.Coverage;
using Approvals.Web.Features.Demo;
using Approvals.Web.Features.Flags;
using Approvals.Web.Features.Notifications;
using Approvals.Web.Features.Operations;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;
using Approvals.Web.Features.Workflow;
using Approvals.Web.Features.Ui;
using Approvals.Web.Infrastructure;
using Approvals.Web.Persistence;

if (HealthProbe.IsRequested(args, out var probeUrl))
{
    Environment.ExitCode = await HealthProbe.RunAsync(probeUrl);
    return;
}

using var stop = StopSignal.Listen();
var builder = WebApplication.CreateBuilder(args);

builder.AddStopSignal(stop);
builder.AddOperations();
builder.AddApiConventions();
builder.AddPersistence();
builder.AddWorkflows();
builder.AddReview();
builder.AddAccounts();
builder.AddDemoData();
builder.AddMessaging();
builder.AddWebUi();

var app = builder.Build();

app.UseOperations();
app.UseApiConventions();
app.UseWebUi();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapHealth();
app.MapAuth();
app.MapCommittees();
app.MapPlans();
app.MapFlags();
app.MapCoverage();
app.MapWorkflows();
app.MapReview();
app.MapNotifications();
app.MapWebUi();

await app.RunUntilStoppedAsync();

/// <summary>Entry point, public so tests can host the app with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;

using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.ApiReference;
using Approvals.Web.Features.Changes;
using Approvals.Web.Features.Comments;
using Approvals.Web.Features.Committees;
using Approvals.Web.Features.Coverage;
using Approvals.Web.Features.Deadlines;
using Approvals.Web.Features.Delegation;
using Approvals.Web.Features.Demo;
using Approvals.Web.Features.Documents;
using Approvals.Web.Features.Flags;
using Approvals.Web.Features.Notifications;
using Approvals.Web.Features.Operations;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;
using Approvals.Web.Features.Security;
using Approvals.Web.Features.Administration;
using Approvals.Web.Features.Workflow;
using Approvals.Web.Features.Ui;
using Approvals.Web.Infrastructure;
using Approvals.Web.Persistence;

if (HealthProbe.IsRequested(args, out var probeUrl))
{
    Environment.ExitCode = await HealthProbe.RunAsync(probeUrl);
    return;
}

// dotnet Approvals.Web.dll create-admin --email <address>: the first administrator of an installation.
var createAdmin = CreateAdminCommand.Parse(args);

// The app hears a stop from its first moment, so a stop during start-up ends cleanly; the command keeps Ctrl+C as it is.
using var stop = createAdmin is null ? StopSignal.Listen() : null;
var builder = WebApplication.CreateBuilder(createAdmin is null ? args : []);
if (createAdmin is not null)
{
    CreateAdminCommand.ConfigureHost(builder);
}
else
{
    builder.AddStopSignal(stop!);
}

builder.AddSecurity();
builder.AddOperations();
builder.AddTelemetry();
builder.AddDeliveryOverview();
builder.AddApiConventions();
builder.AddApiReference();
builder.AddPersistence();
builder.AddPlans();
builder.AddWorkflows();
builder.AddReview();
builder.AddComments();
builder.AddAccounts();
builder.AddUsers();
builder.AddDelegation();
builder.AddDemoData();
builder.AddMessaging();
builder.AddDeadlines();
builder.AddDocuments();
builder.AddWebUi();

var app = builder.Build();

if (createAdmin is not null)
{
    Environment.ExitCode = await createAdmin.RunAsync(app.Services, Console.In, Console.Out, Console.Error);
    return;
}

app.UseSecurity();
app.UseOperations();
app.UseApiConventions();
app.UseWebUi();
app.UseAuthentication();
app.UseSignInLimits();
app.UseAuthorization();

app.MapApiReference();
app.MapHealth();
app.MapMetrics();
app.MapAuth();
app.MapAccounts();
app.MapUsers();
app.MapDelegation();
app.MapCommittees();
app.MapPlans();
app.MapDocuments();
app.MapFlags();
app.MapCoverage();
app.MapDeadlines();
app.MapWorkflows();
app.MapReview();
app.MapComments();
app.MapChanges();
app.MapNotifications();
app.MapOperations();
app.MapWebUi();

await app.RunUntilStoppedAsync();

/// <summary>Entry point, public so tests can host the app with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;

using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Committees;
using Approvals.Web.Features.Demo;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Ui;
using Approvals.Web.Infrastructure;
using Approvals.Web.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddApiConventions();
builder.AddPersistence();
builder.AddAccounts();
builder.AddDemoData();
builder.AddWebUi();

var app = builder.Build();

app.UseApiConventions();
app.UseWebUi();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapAuth();
app.MapCommittees();
app.MapPlans();
app.MapWebUi();

app.Run();

/// <summary>Entry point, public so tests can host the app with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;

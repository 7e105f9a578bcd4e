using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Operations;
using Approvals.Web.Features.Plans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Approvals.Tests.Features.Operations;

public sealed class RequestLoggingTests(RequestLoggingTests.LoggedApp app) : IClassFixture<RequestLoggingTests.LoggedApp>
{
    private const string DbCommands = "Microsoft.EntityFrameworkCore.Database.Command";

    [Fact]
    public async Task A_plan_request_logs_its_line_with_the_plan_id()
    {
        var client = await app.ClientFor(Users.Coordinator);
        var plan = (await client.AllPlans("committee=KFU"))!.First();

        await client.GetAsync($"/api/plans/{plan.Id}");
        await client.GetAsync($"/api/plans/{Guid.Empty}");

        var request = Assert.Single(app.Logs.Lines, l => l.Message.StartsWith($"GET /api/plans/{plan.Id} answered 200", StringComparison.Ordinal));
        Assert.Equal(plan.Id, request.Scope[PlanLogScope.Key]);
        var notFound = Assert.Single(app.Logs.Lines, l => l.Message.StartsWith($"GET /api/plans/{Guid.Empty} answered 404", StringComparison.Ordinal));
        Assert.Equal(Guid.Empty, notFound.Scope[PlanLogScope.Key]);
    }

    [Fact]
    public async Task Database_commands_run_while_serving_a_plan_request_carry_its_id_too()
    {
        var secretary = await app.ClientFor(Users.Secretary(Committee.Biu));
        var created = await (await secretary.PostAsJsonAsync("/api/plans", new { committee = "BIU", title = "Logget", objectives = Array.Empty<object>() }))
            .ReadOk<PlanResponse>();

        await secretary.PutAsJsonAsync($"/api/plans/{created.Id}", new { committee = "BIU", title = "Logget igen", objectives = Array.Empty<object>() });

        var lines = app.Logs.Lines.Where(l => l.Scope.TryGetValue(PlanLogScope.Key, out var id) && Equals(id, created.Id)).ToList();
        Assert.Contains(lines, l => l.Category == DbCommands && l.Message.Contains("\"Plans\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Message.StartsWith($"PUT /api/plans/{created.Id} answered 428", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Requests_that_name_no_plan_carry_no_plan_id()
    {
        var client = await app.ClientFor(Users.Coordinator);

        await client.GetAsync("/api/committees");

        var line = Assert.Single(app.Logs.Lines, l => l.Message.StartsWith("GET /api/committees answered", StringComparison.Ordinal));
        Assert.False(line.Scope.ContainsKey(PlanLogScope.Key));
    }

    [Theory]
    [Trait(TestTraits.Category, TestTraits.NoDatabase)]
    [InlineData("json", ConsoleFormatterNames.Json)]
    [InlineData("Json", ConsoleFormatterNames.Json)]
    [InlineData("simple", ConsoleFormatterNames.Simple)]
    public void Logging_Format_chooses_the_console_format(string format, string formatter)
    {
        var builder = WebApplication.CreateBuilder([$"--Logging:Format={format}"]);
        builder.AddOperations();
        using var host = builder.Build();

        var console = host.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        var json = host.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;

        Assert.Equal(formatter, console.FormatterName ?? ConsoleFormatterNames.Simple);
        Assert.Equal(formatter == ConsoleFormatterNames.Json, json.IncludeScopes);
    }

    [Fact]
    [Trait(TestTraits.Category, TestTraits.NoDatabase)]
    public void An_unknown_Logging_Format_stops_the_start_naming_the_key()
    {
        var builder = WebApplication.CreateBuilder(["--Logging:Format=xml"]);

        var error = Assert.Throws<InvalidOperationException>(builder.AddOperations);

        Assert.Contains("Logging:Format", error.Message);
    }

    public sealed class LoggedApp : ApprovalsApp
    {
        public LogCapture Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // appsettings.json keeps EF Core at Warning; here its commands show whose scope they ran in.
            builder.ConfigureLogging(l => l.AddProvider(Logs).AddFilter<LogCapture>(DbCommands, LogLevel.Information));
        }
    }
}

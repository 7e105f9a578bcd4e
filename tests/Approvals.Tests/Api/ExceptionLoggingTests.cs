using System.Text.RegularExpressions;
using Approvals.Core.Plans;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Review;
using FluentValidation;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Approvals.Tests.Api;

/// <summary>An exception no code expects (here: the transition validator breaks) is logged with its stack and the trace id the client got.</summary>
public sealed class ExceptionLoggingTests(ExceptionLoggingTests.FailingApp app) : IClassFixture<ExceptionLoggingTests.FailingApp>
{
    [Fact]
    public async Task An_api_500_is_logged_with_its_stack_trace_and_the_trace_id_in_the_answer()
    {
        var secretary = await app.ClientFor(Users.Secretary(Committee.Biu));

        var problem = await (await ReviewApp.Act(secretary, Guid.NewGuid(), "submit", "\"x\"")).AssertProblem(HttpStatusCode.InternalServerError);

        var traceId = problem.GetProperty("traceId").GetString()!;
        var logged = Assert.Single(app.Logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains(traceId, StringComparison.Ordinal));
        Assert.Contains(FailingApp.Failure, logged.Exception);
        Assert.Contains("at ", logged.Exception);
        Assert.Contains("/transitions", logged.Message);
    }

    [Fact]
    public async Task A_page_500_shows_a_trace_id_that_is_logged_with_the_stack_trace()
    {
        var pages = await PageClient.SignIn(app, Users.Secretary(Committee.Biu));
        var plan = await app.CreatePlan(Committee.Biu);
        var html = await pages.Html($"/planer/{plan.Id}");

        var response = await pages.Post($"/planer/{plan.Id}?handler=Take", html, new() { ["actionId"] = "submit", ["token"] = Guid.NewGuid().ToString() });

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        var traceId = Regex.Match(page, "data-trace-id=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(traceId);
        var logged = Assert.Single(app.Logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains(traceId, StringComparison.Ordinal));
        Assert.Contains(FailingApp.Failure, logged.Exception);
    }

    public sealed class FailingApp : LoggedApp
    {
        public const string Failure = "The transition validator broke (on purpose, in this test).";

        public async Task<Approvals.Web.Features.Plans.PlanResponse> CreatePlan(Committee committee)
        {
            var client = await ClientFor(Users.Secretary(committee));
            return await (await client.PostAsJsonAsync("/api/plans", ReviewApp.CleanPlan(committee.Code))).ReadOk<Approvals.Web.Features.Plans.PlanResponse>();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(s => s.AddSingleton<IValidator<TransitionRequest>>(new BrokenValidator()));
        }

        private sealed class BrokenValidator : AbstractValidator<TransitionRequest>
        {
            public BrokenValidator() => RuleFor(r => r.Action).Must(_ => throw new InvalidOperationException(Failure));
        }
    }
}

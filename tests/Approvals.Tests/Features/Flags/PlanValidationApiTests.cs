using System.Net.Http.Headers;
using Approvals.Core.Flags;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Flags;
using Approvals.Web.Features.Plans;

namespace Approvals.Tests.Features.Flags;

/// <summary>GET /api/plans/{id}/validation, on a database of its own holding only the seed.</summary>
public sealed class PlanValidationApiTests(ApprovalsApp app) : IClassFixture<ApprovalsApp>
{
    private async Task<Guid> SeedPlanId(string committee)
    {
        var client = await app.ClientFor(Users.Coordinator);
        var plans = await client.AllPlans($"committee={Uri.EscapeDataString(committee)}");
        return plans!.Single().Id;
    }

    private async Task<HttpResponseMessage> GetValidation(string email, Guid id, string query = "", string? acceptLanguage = null)
    {
        var client = await app.ClientFor(email);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/plans/{id}/validation{query}");
        if (acceptLanguage is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task The_flags_of_a_seed_plan_come_with_code_severity_path_and_a_danish_message()
    {
        var id = await SeedPlanId("TMU");

        var response = await GetValidation(Users.Secretary(Committee.Tmu), id);
        var body = await response.ReadOk<PlanValidationResponse>();

        Assert.Equal(id, body.PlanId);
        Assert.Equal("da", body.Language);
        Assert.Equal("da", response.Content.Headers.ContentLanguage.Single());
        Assert.Equal(3, body.ErrorCount);
        Assert.Equal(1, body.WarningCount);
        Assert.Equal(
            [
                (FlagCodes.IndicatorUnmeasurable, FlagSeverity.Warning, new FlagPath(1, 1, 1), "1"),
                (FlagCodes.IndicatorMissing, FlagSeverity.Error, new FlagPath(1, 2), "2"),
                (FlagCodes.IndicatorPlaceholder, FlagSeverity.Error, new FlagPath(2, 1), "1"),
                (FlagCodes.IndicatorMissing, FlagSeverity.Error, new FlagPath(3, 1), "1"),
            ],
            body.Flags.Select(f => (f.Code, f.Severity, f.Path, f.GoalNumber!)));
        var placeholder = body.Flags[2];
        Assert.Equal("Resultatmål 1 har kun en pladsholder som indikator (\"Ingen\"). Erstat den med en rigtig måling.", placeholder.Message);
        Assert.Equal(placeholder.Message, placeholder.MessageDa);
        Assert.Equal("Result goal 1 has only a placeholder as indicator (\"Ingen\"). Replace it with a real measure.", placeholder.MessageEn);
    }

    [Fact]
    public async Task The_json_names_the_path_parts_and_the_severity_in_words()
    {
        var id = await SeedPlanId("SOU");

        var json = await (await GetValidation(Users.Coordinator, id)).Content.ReadAsStringAsync();

        Assert.Contains("\"code\":\"indicator-placeholder\",\"severity\":\"error\",\"path\":{\"objective\":1,\"goal\":1,\"indicator\":null},\"goalNumber\":\"1\"", json);
    }

    [Theory]
    [InlineData("", "en")]
    [InlineData("", "en-GB,en;q=0.9,da;q=0.8")]
    [InlineData("?lang=en", null)]
    [InlineData("?lang=EN", "da")]
    public async Task English_messages_are_given_when_asked_for(string query, string? acceptLanguage)
    {
        var id = await SeedPlanId("SOU");

        var response = await GetValidation(Users.Coordinator, id, query, acceptLanguage);
        var body = await response.ReadOk<PlanValidationResponse>();

        Assert.Equal("en", body.Language);
        var flag = Assert.Single(body.Flags);
        Assert.Equal("Result goal 1 has only a placeholder as indicator (\"??????\"). Replace it with a real measure.", flag.Message);
        Assert.StartsWith("Resultatmål 1 har kun en pladsholder", flag.MessageDa);
    }

    [Theory]
    [InlineData("", "da, en;q=0.5")]
    [InlineData("", "fr")]
    [InlineData("?lang=da", "en")]
    public async Task Danish_messages_are_the_default(string query, string? acceptLanguage)
    {
        var id = await SeedPlanId("SOU");

        var body = await (await GetValidation(Users.Coordinator, id, query, acceptLanguage)).ReadOk<PlanValidationResponse>();

        Assert.Equal("da", body.Language);
        Assert.StartsWith("Resultatmål 1 har kun en pladsholder", Assert.Single(body.Flags).Message);
    }

    [Fact]
    public async Task An_unknown_language_is_a_400_naming_lang()
    {
        var id = await SeedPlanId("SOU");

        var problem = await (await GetValidation(Users.Coordinator, id, "?lang=fr")).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Equal(["lang"], problem.ErrorFields());
        Assert.Contains("da", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_plan_with_every_goal_measured_has_no_flags()
    {
        var id = await SeedPlanId("KFU");

        var body = await (await GetValidation(Users.AdministrativeReviewer, id)).ReadOk<PlanValidationResponse>();

        Assert.Empty(body.Flags);
        Assert.Equal(0, body.ErrorCount);
    }

    [Fact]
    public async Task Reviewers_read_every_committees_flags_but_a_secretary_only_their_own()
    {
        var id = await SeedPlanId("SOU");

        Assert.Equal(HttpStatusCode.OK, (await GetValidation(Users.Secretary(Committee.Sou), id)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetValidation(Users.CouncilApprover, id)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetValidation(Users.CommitteeApprover(Committee.Tmu), id)).StatusCode);
        await (await GetValidation(Users.Secretary(Committee.Tmu), id)).AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_unknown_plan_is_a_404_and_anonymous_callers_get_401()
    {
        await (await GetValidation(Users.Coordinator, Guid.NewGuid())).AssertProblem(HttpStatusCode.NotFound);

        using var anonymous = app.CreateClient();
        var response = await anonymous.GetAsync($"/api/plans/{await SeedPlanId("SOU")}/validation");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_flags_follow_the_saved_content()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var created = await (await client.PostAsJsonAsync("/api/plans", new
        {
            committee = "BIU",
            title = "Udkast",
            objectives = new[] { new { title = "", goals = new[] { new { number = "1", text = "Mål", indicators = new[] { new { text = "TBD" } } } } } },
        })).ReadOk<PlanResponse>();
        var before = await (await GetValidation(Users.Secretary(Committee.Biu), created.Id)).ReadOk<PlanValidationResponse>();

        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/plans/{created.Id}")
        {
            Content = JsonContent.Create(new
            {
                committee = "BIU",
                title = "Udkast",
                objectives = new[] { new { title = "", goals = new[] { new { number = "1", text = "Mål", indicators = new[] { new { text = "Andelen i job skal stige med 3 procentpoint" } } } } } },
            }),
        };
        put.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(created.ETag));
        (await client.SendAsync(put)).EnsureSuccessStatusCode();
        var after = await (await GetValidation(Users.Secretary(Committee.Biu), created.Id)).ReadOk<PlanValidationResponse>();

        Assert.Equal(FlagCodes.IndicatorPlaceholder, Assert.Single(before.Flags).Code);
        Assert.Empty(after.Flags);
    }
}

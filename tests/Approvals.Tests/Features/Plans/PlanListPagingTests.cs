using System.Text.Json;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;

namespace Approvals.Tests.Features.Plans;

[Collection(AppCollection.Name)]
public sealed class PlanListPagingTests(ApprovalsApp app)
{
    [Fact]
    public async Task The_list_answers_items_total_page_and_page_size()
    {
        var client = await app.ClientFor(Users.Coordinator);

        using var json = JsonDocument.Parse(await client.GetStringAsync("/api/plans?pageSize=2&page=2"));

        Assert.Equal(["items", "total", "page", "pageSize"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, json.RootElement.GetProperty("items").GetArrayLength());
        Assert.Equal((2, 2), (json.RootElement.GetProperty("page").GetInt32(), json.RootElement.GetProperty("pageSize").GetInt32()));
        Assert.True(json.RootElement.GetProperty("total").GetInt32() >= 6);
    }

    [Fact]
    public async Task A_page_past_the_end_is_empty_and_still_tells_the_total()
    {
        var client = await app.ClientFor(Users.Coordinator);

        var page = await (await client.GetAsync($"/api/plans?page={int.MaxValue}&pageSize=200")).ReadOk<PlanPage>();

        Assert.Empty(page.Items);
        Assert.True(page.Total >= 6);
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=201", "pageSize")]
    [InlineData("pageSize=1e3", "pageSize")]
    public async Task A_page_or_page_size_out_of_range_is_a_400_naming_it(string query, string field)
    {
        var client = await app.ClientFor(Users.Coordinator);

        var problem = await (await client.GetAsync($"/api/plans?{query}")).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.ErrorFields());
    }
}

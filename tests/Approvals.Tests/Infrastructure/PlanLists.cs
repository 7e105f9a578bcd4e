using Approvals.Web.Features.Plans;

namespace Approvals.Tests.Infrastructure;

public static class PlanLists
{
    /// <summary>Every plan <c>GET /api/plans?{query}</c> lists, page by page, in the list's order.</summary>
    public static async Task<List<PlanSummary>> AllPlans(this HttpClient client, string query = "")
    {
        var all = new List<PlanSummary>();
        for (var page = 1; ; page++)
        {
            var separator = query.Length == 0 ? "" : "&";
            var response = await client.GetAsync($"/api/plans?{query}{separator}page={page}&pageSize=200");
            var batch = await response.ReadOk<PlanPage>();
            all.AddRange(batch.Items);
            if (batch.Items.Count == 0 || all.Count >= batch.Total)
            {
                return all;
            }
        }
    }
}

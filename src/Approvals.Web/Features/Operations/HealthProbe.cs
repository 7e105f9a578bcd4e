namespace Approvals.Web.Features.Operations;

/// <summary>
/// <c>Approvals.Web --probe http://localhost:8080/health/live</c> asks a running instance whether it is up
/// and exits 0 when it answers 2xx. The container's HEALTHCHECK uses it: the runtime image has no curl or wget.
/// </summary>
public static class HealthProbe
{
    public static bool IsRequested(string[] args, out string url)
    {
        url = args is ["--probe", var given] ? given : "";
        return url.Length > 0;
    }

    public static async Task<int> RunAsync(string url, TextWriter? output = null)
    {
        output ??= Console.Out;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(url);
            await output.WriteLineAsync($"{url} answered {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or UriFormatException)
        {
            await output.WriteLineAsync($"{url} did not answer: {e.Message}");
            return 1;
        }
    }
}

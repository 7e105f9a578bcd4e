namespace Approvals.Tests.Infrastructure;

/// <summary>
/// A browser without script whose cookies the test can read and set: it sends them itself and follows no redirect.
/// Like a browser (and unlike .NET's cookie container) it keeps a cookie whose path differs from the request's,
/// such as the single sign-on correlation cookie for /signin-oidc set by a POST elsewhere.
/// </summary>
public sealed class RawBrowser(HttpClient http)
{
    public Dictionary<string, string> Cookies { get; } = [];

    public static RawBrowser For(ApprovalsApp app) => new(app.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false }));

    public async Task<HttpResponseMessage> Send(HttpMethod method, string path, Dictionary<string, string>? form = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (Cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }

        var response = await http.SendAsync(request);
        foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var pair = header.Split(';')[0];
            var name = pair[..pair.IndexOf('=')];
            var value = pair[(pair.IndexOf('=') + 1)..];
            if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
            {
                Cookies.Remove(name);
            }
            else
            {
                Cookies[name] = value;
            }
        }

        return response;
    }

    public Task<HttpResponseMessage> Get(string path) => Send(HttpMethod.Get, path);
}

using System.Net;
using System.Text.RegularExpressions;

namespace Approvals.Tests.Infrastructure;

/// <summary>
/// The pages as a browser without script uses them: signed in through the sign-in form (a cookie, no bearer
/// token), following redirects, and posting forms with the antiforgery token of the page they are on.
/// </summary>
public sealed partial class PageClient(HttpClient http)
{
    public HttpClient Http => http;

    public static async Task<PageClient> SignIn(ApprovalsApp app, string email)
    {
        var client = new PageClient(app.CreateClient());
        var response = await client.Post("/log-ind", await client.Html("/log-ind"), new()
        {
            ["Input.Email"] = email,
            ["Input.Password"] = Approvals.Web.Features.Accounts.DemoAccounts.Password,
        });
        Assert.True(response.IsSuccessStatusCode, $"Sign-in answered {(int)response.StatusCode}");
        Assert.DoesNotContain("/log-ind", response.RequestMessage!.RequestUri!.AbsolutePath);
        return client;
    }

    /// <summary>GETs a page and asserts it answered 200.</summary>
    public async Task<string> Html(string url)
    {
        var response = await http.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}: {html[..Math.Min(html.Length, 2000)]}");
        return html;
    }

    /// <summary>Posts a form as the page <paramref name="page"/> (its HTML) would, with that page's antiforgery token.</summary>
    public Task<HttpResponseMessage> Post(string url, string page, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = TokenOf(page);
        return http.PostAsync(url, new FormUrlEncodedContent(fields));
    }

    public static string TokenOf(string html) => AntiforgeryToken().Match(html) is { Success: true } m
        ? m.Groups[1].Value
        : throw new InvalidOperationException("The page has no form with an antiforgery token.");

    /// <summary>The value of the hidden field <paramref name="name"/> in the form marked <c>data-action="{action}"</c>.</summary>
    public static string FieldOf(string html, string action, string name)
    {
        var form = Regex.Match(html, $"""<form[^>]*data-action="{Regex.Escape(action)}"[^>]*>(.*?)</form>""", RegexOptions.Singleline);
        Assert.True(form.Success, $"The page has no form for the action '{action}'.");
        var field = Regex.Match(form.Groups[1].Value, $"""name="{Regex.Escape(name)}" value="([^"]*)" """.TrimEnd());
        Assert.True(field.Success, $"The form for '{action}' has no field '{name}'.");
        return field.Groups[1].Value;
    }

    [GeneratedRegex(@"name=""__RequestVerificationToken"" type=""hidden"" value=""([^""]+)""")]
    private static partial Regex AntiforgeryToken();
}

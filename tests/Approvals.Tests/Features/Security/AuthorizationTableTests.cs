using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Approvals.Tests.Features.Security;

/// <summary>
/// The authorisation rules of every endpoint and page handler, as one table (<see cref="AuthorizationTable"/>): each
/// case is called by every <see cref="Caller"/> (no credential, a forged one, each role, another committee's member),
/// and each must get what its rule says. The app's own endpoint list is the measure of completeness.
/// </summary>
public sealed class AuthorizationTableTests(AuthorizationTableApp table, ITestOutputHelper output) : IClassFixture<AuthorizationTableApp>
{
    public static TheoryData<string> CaseNames => [.. AuthorizationTable.Cases.Select(c => c.Name)];

    [Fact]
    public async Task Every_endpoint_and_page_handler_of_the_app_is_in_the_table()
    {
        var actual = await EndpointsOf(table.App.Services);
        var listed = AuthorizationTable.Cases.Select(c => c.Endpoint).ToHashSet(StringComparer.Ordinal);

        // What the table covers, rule by rule.
        foreach (var group in AuthorizationTable.Cases.GroupBy(c => c.Rule.Name))
        {
            output.WriteLine($"{group.Key}: lets in {string.Join(", ", Enum.GetValues<Caller>().Where(group.First().Rule.Allows))}");
            foreach (var @case in group)
            {
                output.WriteLine($"    {@case.Name}");
            }
        }

        var missing = actual.Where(e => !listed.Contains(e)).Order(StringComparer.Ordinal).ToList();
        var stale = listed.Where(e => !actual.Contains(e)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0,
            "Endpoints or page handlers with no rule in AuthorizationTable.Cases (add a case saying who may call each): " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "AuthorizationTable.Cases lists endpoints the app no longer has: " + string.Join(", ", stale));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Each_caller_gets_what_the_rule_says(string name)
    {
        var @case = AuthorizationTable.Cases.Single(c => c.Name == name);
        var wrong = new List<string>();
        foreach (var caller in Enum.GetValues<Caller>())
        {
            using var response = await table.Send(@case, caller);
            var allowed = @case.Rule.Allows(caller);
            var answer = $"{(int)response.StatusCode}{(response.Headers.Location is { } to ? " → " + to.OriginalString : "")}";
            var right = allowed ? LetIn(@case, response) : KeptOut(@case, caller, response);
            output.WriteLine($"{caller,-24} {(allowed ? "may" : "may not"),-8} {answer}{(right ? "" : "   WRONG")}");
            if (!right)
            {
                wrong.Add($"{caller} {(allowed ? "should be let in" : "should be kept out")} but got {answer}");
            }
        }

        Assert.True(wrong.Count == 0, $"{name} (rule: {@case.Rule.Name}):\n" + string.Join("\n", wrong));
    }

    private static bool LetIn(Case @case, HttpResponseMessage response) =>
        @case.AllowedStatus is { } expected
            ? response.StatusCode == expected && !IsRefusalRedirect(response)
            : response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && !IsRefusalRedirect(response);

    /// <summary>The API answers 401 or 403 (or 404 where the rule hides what exists); pages send to sign-in or show the 403 page.</summary>
    private static bool KeptOut(Case @case, Caller caller, HttpResponseMessage response)
    {
        var api = @case.Endpoint.Contains(" /api/", StringComparison.Ordinal);
        var location = response.Headers.Location?.OriginalString ?? "";
        if (caller is Caller.Anonymous or Caller.Tampered)
        {
            return response.StatusCode == HttpStatusCode.Unauthorized ||
                (!api && response.StatusCode == HttpStatusCode.Redirect && location.Contains("/log-ind?ReturnUrl=", StringComparison.Ordinal));
        }

        return response.StatusCode == @case.Rule.DeniedSignedIn ||
            (!api && response.StatusCode == HttpStatusCode.Redirect && location.Contains("/adgang-naegtet", StringComparison.Ordinal));
    }

    private static bool IsRefusalRedirect(HttpResponseMessage response) =>
        response.Headers.Location?.OriginalString is { } location &&
        (location.Contains("/log-ind?ReturnUrl=", StringComparison.Ordinal) || location.Contains("/adgang-naegtet", StringComparison.Ordinal));

    /// <summary>
    /// Every route the app answers, as "METHOD /route" ("*" for any method), and every page handler as
    /// "PAGE METHOD /route?handler=Name": from the endpoint data source, with each page's handlers from its compiled descriptor.
    /// </summary>
    private static async Task<HashSet<string>> EndpointsOf(IServiceProvider services)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var loader = services.GetRequiredService<PageLoader>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                var route = "/" + page.AttributeRouteInfo!.Template;
                foreach (var handler in compiled.HandlerMethods)
                {
                    keys.Add($"PAGE {handler.HttpMethod.ToUpperInvariant()} {route}{(handler.Name is { } n ? "?handler=" + n : "")}");
                }

                continue;
            }

            var pattern = endpoint.RoutePattern.RawText!.TrimEnd('/');
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"];
            foreach (var method in methods)
            {
                keys.Add($"{method} {(pattern.Length == 0 ? "/" : pattern)}");
            }
        }

        return keys;
    }
}

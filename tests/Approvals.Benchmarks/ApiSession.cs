using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;

namespace Approvals.Benchmarks;

/// <summary>One HTTP connection pool to the app, and a bearer token per demo account, signed in once.</summary>
public sealed class ApiSession : IDisposable
{
    private readonly Dictionary<string, AuthenticationHeaderValue> _tokens = [];

    public ApiSession(Uri address, int connections)
    {
        Http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = TimeSpan.FromHours(1),
            UseCookies = false,
        })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    public HttpClient Http { get; }

    public static string Secretary(Committee committee) => DemoAccounts.SecretaryOf(committee);

    public static string CommitteeApprover(Committee committee) => DemoAccounts.ApproverOf(committee);

    public const string AdministrativeReviewer = "administrativ@approvals.local";

    public const string CouncilApprover = "borgerrepraesentationen@approvals.local";

    public const string Coordinator = "koordinator@approvals.local";

    public async Task SignInAsync(IEnumerable<string> emails, CancellationToken cancellationToken)
    {
        foreach (var email in emails)
        {
            using var response = await Http.PostAsJsonAsync("/api/auth/login", new { email, password = DemoAccounts.Password }, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(
                    $"Signing in as {email} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            _tokens[email] = new AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
        }
    }

    /// <summary>Every account the workflow load acts as: each committee's secretary and approver, and the two shared reviewers.</summary>
    public static IEnumerable<string> WorkflowAccounts() =>
        Committee.All.SelectMany(c => new[] { Secretary(c), CommitteeApprover(c) }).Concat([AdministrativeReviewer, CouncilApprover]);

    public HttpRequestMessage Request(HttpMethod method, string path, string email, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = _tokens[email];
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    public void Dispose() => Http.Dispose();
}

using System.Data.Common;
using System.Text.Json;
using Approvals.Benchmarks;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.Operations;

[Collection(AppCollection.Name)]
public sealed class HealthTests(ApprovalsApp app)
{
    [Fact]
    public async Task Live_answers_anonymously_while_the_process_runs()
    {
        using var anonymous = app.CreateClient();

        var response = await anonymous.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_answers_anonymously_and_names_the_database_check()
    {
        using var anonymous = app.CreateClient();

        var response = await anonymous.GetAsync("/health/ready");

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetString());
    }

    [Fact]
    public async Task Ready_is_503_when_the_database_is_gone_while_live_stays_200()
    {
        await using var own = new ApprovalsApp();
        await own.InitializeAsync();
        using var anonymous = own.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

        await own.Database.MakeUnreachable();
        var ready = await anonymous.GetAsync("/health/ready");
        var live = await anonymous.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("database").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    [Trait(TestTraits.Category, TestTraits.NoDatabase)] // SQLite whatever the pass: PostgreSQL has no page limit to set
    public async Task Ready_is_503_while_the_database_is_full_and_200_once_there_is_room()
    {
        var disk = new FullDisk();
        await using var own = new FullDiskApp(disk);
        await own.InitializeAsync();
        using var anonymous = own.CreateClient();
        var secretary = await own.ClientFor(Users.Secretary(Committee.Biu));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

        disk.Full = true;
        var ready = await anonymous.GetAsync("/health/ready");
        var write = await secretary.PostAsJsonAsync("/api/plans", BenchmarkPlans.ApiBody(Committee.Biu, 1));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("database").GetString());
        Assert.Equal(HttpStatusCode.InternalServerError, write.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);

        disk.Full = false;
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await secretary.PostAsJsonAsync("/api/plans", BenchmarkPlans.ApiBody(Committee.Biu, 2))).StatusCode);
    }

    /// <summary>
    /// A full disk as SQLite sees it: while <see cref="Full"/>, every connection the app opens may not grow the file
    /// beyond its current size (<c>PRAGMA max_page_count</c>, which SQLite holds per connection).
    /// </summary>
    private sealed class FullDisk : DbConnectionInterceptor
    {
        public volatile bool Full;

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private void Apply(DbConnection connection)
        {
            using var command = connection.CreateCommand();
            // SQLite never sets the limit below the current size: 1 means "no bigger than now".
            command.CommandText = $"PRAGMA max_page_count = {(Full ? 1 : 1_073_741_823)};";
            command.ExecuteNonQuery();
        }
    }

    private sealed class FullDiskApp(FullDisk disk) : ApprovalsApp(TestDatabase.Sqlite())
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
                services.ConfigureDbContext<ApprovalsDbContext>(options => options.AddInterceptors(disk)));
        }
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_answers_get_and_head_only(string path)
    {
        using var anonymous = app.CreateClient();

        var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        var others = new List<HttpStatusCode>();
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Delete, HttpMethod.Put, HttpMethod.Trace, HttpMethod.Patch })
        {
            others.Add((await anonymous.SendAsync(new HttpRequestMessage(method, path))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.All(others, status => Assert.Equal(HttpStatusCode.MethodNotAllowed, status));
    }
}

using Approvals.Benchmarks;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Persistence;

/// <summary>
/// The app switches SQLite's process-wide allocation count off before its first connection, so its connections on
/// several threads do not wait for one another on SQLite's allocator mutex (see <c>SqliteLibrary</c>).
/// </summary>
// The app as a process of its own: this test process sets SQLite up before any test runs (SqliteSetup), so only a
// fresh process shows that the app's own start-up does it before its first connection.
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class SqliteLibraryTests
{
    private static bool Said(string line) => line.Contains("SQLite counts no allocations", StringComparison.Ordinal);

    [Fact]
    public async Task The_app_on_SQLite_switches_the_allocation_count_off_before_its_first_connection()
    {
        var folder = Directory.CreateTempSubdirectory("approvals-sqlite-library-");
        try
        {
            var app = await AppProcess.StartAsync(new AppProcessOptions
            {
                AppDll = AppProcess.DefaultAppDll(),
                DatabaseFile = Path.Combine(folder.FullName, "app.db"),
                Environment = new Dictionary<string, string>
                {
                    ["Logging__LogLevel__Approvals.Web.Persistence.SchemaInitializer"] = "Information",
                },
                ReadyTimeout = TimeSpan.FromMinutes(2),
            }, CancellationToken.None);
            await using (app)
            {
                // The console logger writes from a queue of its own: the line may follow the app's readiness.
                for (var waited = 0; waited < 100 && !app.Output.Any(Said); waited++)
                {
                    await Task.Delay(100, CancellationToken.None);
                }

                Assert.Contains(app.Output, Said);
                Assert.DoesNotContain(app.Output, line => line.Contains("SQLite was initialised before", StringComparison.Ordinal));
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}

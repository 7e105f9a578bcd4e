using Approvals.Persistence;
using Approvals.Web.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Infrastructure;

/// <summary>
/// Writers of the test's own over an app's SQLite database: pooled contexts behind a serialising <see cref="WriteGate"/>
/// of their own, which a test holds while writes queue, without touching the app's other writers.
/// </summary>
public static class GatedWriters
{
    public static ServiceProvider Over(ApprovalsApp app, Action<IServiceCollection> add, params IInterceptor[] interceptors)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var connectionString = new SqliteConnectionStringBuilder(app.Database.ConnectionString) { ForeignKeys = true, DefaultTimeout = 60 }.ToString();
        services.AddSingleton(new WriteGate(serialise: true));
        services.AddSingleton<WriteGateInterceptor>();
        services.AddSingleton(provider => new KeptWriter(connectionString, SqlitePragmas.Statements, provider.GetRequiredService<WriteGate>()));
        services.AddDbContextPool<ApprovalsDbContext>((provider, options) =>
        {
            options.UseSqlite(connectionString);
            provider.GetRequiredService<WriteGateInterceptor>().AddTo(options);
            options.AddInterceptors(interceptors);
        });
        add(services);
        return services.BuildServiceProvider();
    }
}

using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Demo;

/// <summary>
/// Logs a warning at every start while any demo account exists: their password is printed in the README, so an
/// installation in real use must not have them (deactivate them under /admin/brugere).
/// </summary>
internal sealed class DemoAccountWarning(IServiceProvider services, ILogger<DemoAccountWarning> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        var demo = DemoAccounts.All.Select(a => a.Email.ToUpperInvariant()).ToList();
        var found = await db.Users.AsNoTracking()
            .Where(u => demo.Contains(u.NormalizedEmail!))
            .Select(u => new { u.Email, Active = u.DeactivatedUtc == null })
            .ToListAsync(cancellationToken);
        if (found.Count > 0)
        {
            logger.LogWarning(
                "This database holds {Count} demo account(s), {Active} of them active, whose password is printed in the README ({Examples}, …). " +
                "Never use demo data in a real installation: start from an empty database with Demo:Enabled=false and create the first administrator with the create-admin command.",
                found.Count, found.Count(a => a.Active), string.Join(", ", found.Take(3).Select(a => a.Email)));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

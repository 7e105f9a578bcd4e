using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Demo;

public static class DemoExtensions
{
    /// <summary>
    /// With <c>Demo:Enabled</c>, an empty database (one without any account) gets the demo accounts and the seed's
    /// plans. A database holding any account never gets a demo account added, whatever the setting.
    /// </summary>
    public static void AddDemoData(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue<bool>("Demo:Enabled"))
        {
            builder.Services.AddHostedService<DemoSeeder>();
        }

        // After the seeder, so the start that loads the demo accounts warns too.
        builder.Services.AddHostedService<DemoAccountWarning>();
    }
}

internal sealed class DemoSeeder(IServiceProvider services, WorkflowRuntime workflows, TimeProvider clock, ILogger<DemoSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();

        if (await db.Users.AnyAsync(cancellationToken))
        {
            logger.LogInformation("Demo data: the database already holds accounts, so no demo data is added.");
            return;
        }

        var created = await SeedAccounts(users);
        if (await db.Plans.AnyAsync(cancellationToken))
        {
            logger.LogInformation("Demo data: {Accounts} account(s) created; the database already holds plans, so the seed's plans are not added.", created);
            return;
        }

        var seed = SeedFile.Load();
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var source in seed.Plans)
        {
            var committee = Committee.Find(source.Committee)
                ?? throw new InvalidDataException($"seed-plans.json: unknown committee '{source.Committee}'.");
            var owner = await users.FindByEmailAsync(DemoAccounts.SecretaryOf(committee))
                ?? throw new InvalidOperationException($"The demo secretary of {committee.Code} is missing.");
            db.Plans.Add(workflows.StartPlan(committee, source.Title, owner.Id, source.ToContent(), now));
        }

        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Demo data: {Accounts} account(s) created, {Plans} plan(s) loaded from the seed.", created, seed.Plans.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task<int> SeedAccounts(UserManager<AppUser> users)
    {
        // One hash for the shared demo password: hashing it for each account would slow every start.
        var hash = users.PasswordHasher.HashPassword(new AppUser(), DemoAccounts.Password);
        var created = 0;
        foreach (var account in DemoAccounts.All)
        {
            var user = new AppUser
            {
                UserName = account.Email,
                Email = account.Email,
                EmailConfirmed = true,
                DisplayName = account.DisplayName,
                CommitteeCode = account.Committee,
                PasswordHash = hash,
            };
            Check(await users.CreateAsync(user), account.Email);
            Check(await users.AddToRoleAsync(user, account.Role), account.Email);
            created++;
        }

        return created;
    }

    private static void Check(IdentityResult result, string email)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not create demo account {email}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}

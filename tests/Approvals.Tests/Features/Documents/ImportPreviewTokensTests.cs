using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Documents;
using Approvals.Web.Features.Plans;
using Microsoft.AspNetCore.DataProtection;

namespace Approvals.Tests.Features.Documents;

[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class ImportPreviewTokensTests
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly PlanInput Plan = new("SOU", "Handleplan", [new ObjectiveInput("Mål", [new GoalInput("1", "Tekst", [new TextInput("Andelen stiger")], [])])]);

    [Fact]
    public void A_preview_token_gives_back_the_plan_to_its_user_until_it_expires()
    {
        var clock = new Clock(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
        var tokens = new ImportPreviewTokens(new EphemeralDataProtectionProvider(), clock);
        var token = tokens.Protect(Plan, "user-1");

        var back = tokens.Unprotect(token, "user-1");
        var otherUser = tokens.Unprotect(token, "user-2");
        clock.Now += ImportPreviewTokens.Lifetime - TimeSpan.FromSeconds(1);
        var justInTime = tokens.Unprotect(token, "user-1");
        clock.Now += TimeSpan.FromSeconds(2);
        var expired = tokens.Unprotect(token, "user-1");

        Assert.Equal("Andelen stiger", back!.Objectives![0].Goals![0].Indicators![0].Text);
        Assert.Null(otherUser);
        Assert.NotNull(justInTime);
        Assert.Null(expired);
        Assert.Null(tokens.Unprotect("not a token", "user-1"));
        Assert.Null(tokens.Unprotect(token[..^2], "user-1"));
    }
}

namespace Approvals.Web.Features.Operations;

public static class PlanLogScope
{
    /// <summary>The scope key every log line about one plan carries (requests, consumed messages).</summary>
    public const string Key = "PlanId";

    /// <summary>Opens a scope that adds <c>PlanId</c> to every line logged inside it.</summary>
    public static IDisposable? BeginPlanScope(this ILogger logger, Guid planId) =>
        logger.BeginScope("PlanId:{PlanId}", planId);
}

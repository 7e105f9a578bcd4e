using System.Security.Claims;
using Approvals.Core.Workflow;
using Approvals.Web.Features.Accounts;

namespace Approvals.Web.Features.Delegation;

/// <summary>
/// Who may read a plan, delegations included: a person's own roles (<see cref="CurrentUser.CanRead"/>), or a running
/// delegation handed to them. Authority handed over while someone is away is a reviewer's, and reviewers read every
/// plan, so a stand-in may read the plans they may act on, through the API as on the plan page.
/// </summary>
public static class DelegatedReading
{
    public static async Task<bool> CanReadAsync(this HttpContext http, string committeeCode, CancellationToken ct) =>
        http.User.CanRead(committeeCode)
        || http.User.CanRead(committeeCode, await http.RequestServices.GetRequiredService<Delegations>().ActorAsync(http.User, ct));

    /// <summary>The same rule for a caller that has the acting person already (<see cref="Delegations.ActorAsync"/>).</summary>
    public static bool CanRead(this ClaimsPrincipal user, string committeeCode, WorkflowActor actor) =>
        user.CanRead(committeeCode) || actor.Delegated.Count > 0;
}

using System.Security.Claims;
using Approvals.Core.Accounts;

namespace Approvals.Web.Features.Accounts;

public static class CurrentUser
{
    public static string Id(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The user is not signed in.");

    public static string DisplayName(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.GivenName) is { Length: > 0 } name ? name : user.Identity?.Name ?? "";

    public static string? CommitteeCode(this ClaimsPrincipal user) => user.FindFirstValue(Roles.CommitteeClaim);

    /// <summary>Secretaries see only their own committee; an account holding no role sees no plan; every other role reads every plan.</summary>
    public static bool CanRead(this ClaimsPrincipal user, string committeeCode) =>
        user.HasAnyRole() && (!user.IsOnlySecretary() || user.CommitteeCode() == committeeCode);

    public static bool HasAnyRole(this ClaimsPrincipal user) => Roles.All.Any(user.IsInRole);

    /// <summary>A secretary may write their own committee's plans; no one else writes plan content.</summary>
    public static bool CanWrite(this ClaimsPrincipal user, string committeeCode) =>
        user.IsInRole(Roles.Secretary) && user.CommitteeCode() == committeeCode;

    public static bool IsOnlySecretary(this ClaimsPrincipal user) =>
        user.IsInRole(Roles.Secretary) &&
        !Roles.All.Where(r => r != Roles.Secretary).Any(user.IsInRole);
}

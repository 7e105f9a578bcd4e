using Approvals.Web.Infrastructure;

namespace Approvals.Web.Features.Accounts;

/// <summary>
/// Refuses password sign-in with 403 when <c>Authentication:LocalPasswords=false</c>, saying where to sign in
/// instead (the sign-in manager refuses it too, whatever the endpoint).
/// </summary>
internal sealed class LocalPasswordsOnly(AuthenticationSettings settings) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        settings.LocalPasswords
            ? next(context)
            : ValueTask.FromResult<object?>(Problems.Forbidden(
                "Password sign-in is turned off on this installation (Authentication:LocalPasswords=false). Sign in with your organisation's account on the sign-in page."));
}

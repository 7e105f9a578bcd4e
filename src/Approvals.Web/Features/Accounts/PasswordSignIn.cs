using System.Security.Cryptography;
using Approvals.Persistence;
using Microsoft.AspNetCore.Identity;

namespace Approvals.Web.Features.Accounts;

/// <summary>
/// A password sign-in for the API and the sign-in page alike. Every failure takes one password hash, as a success
/// does: an unknown address, a locked or barred account answer no sooner than a wrong password, so the time taken
/// does not tell which accounts exist. Every failure is the same <c>false</c>, so callers give one message.
/// </summary>
public sealed class PasswordSignIn(SignInManager<AppUser> signIn, IPasswordHasher<AppUser> hasher, ILookupNormalizer normalizer)
{
    // A hash of a password no one knows, made once with the app's own hasher (same algorithm and work factor).
    private static string? s_dummyHash;

    /// <summary>Signs in with <paramref name="scheme"/> (the cookie, or the bearer token the handler writes as the response).</summary>
    public async Task<bool> SignInAsync(HttpContext context, string email, string password, string scheme)
    {
        var attempt = SignInAttempt.Of(context);
        email = email.Trim();
        // An address with a control character names no account (user names hold none), and is not looked up:
        // PostgreSQL refuses a U+0000 in a query's text outright.
        var user = SignInLimits.AccountKey(normalizer, email) == attempt.Account && !email.Any(char.IsControl)
            ? await signIn.UserManager.FindByNameAsync(email)
            : null; // not the account the rate limiter counted the attempt for, or no account's name
        if (user is null)
        {
            SpendOneHash(password);
            return false;
        }

        // No lock-out on failures: a stranger could keep any named account locked. The rate limits bound guessing.
        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: false);
        if (result.IsLockedOut || result.IsNotAllowed)
        {
            SpendOneHash(password); // refused before the password was checked
        }

        // The app has no second-factor step: an account that requires one does not sign in with a password alone.
        if (!result.Succeeded || await signIn.UserManager.GetTwoFactorEnabledAsync(user))
        {
            return false;
        }

        // Before signing in: the bearer handler writes its token as the response, after which no cookie can be set.
        SignInLimits.IssueDeviceCookie(context, attempt.Account);
        signIn.AuthenticationScheme = scheme;
        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: "pwd");
        return true;
    }

    private void SpendOneHash(string password)
    {
        var user = new AppUser();
        s_dummyHash ??= hasher.HashPassword(user, RandomNumberGenerator.GetHexString(32));
        hasher.VerifyHashedPassword(user, s_dummyHash, password);
    }
}

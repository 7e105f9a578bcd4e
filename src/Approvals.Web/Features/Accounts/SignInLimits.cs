using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.RateLimiting;
using Approvals.Web.Features.Ui;
using Approvals.Web.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Approvals.Web.Features.Accounts;

/// <summary>
/// How many sign-in attempts are let through, as token buckets: <see cref="Burst"/> at once, then
/// <see cref="PerMinute"/> more each minute. Configured under <c>SignIn:PerAddress</c>, <c>SignIn:PerAccount</c>
/// and <c>SignIn:PerDevice</c>.
/// </summary>
public sealed class AttemptLimit
{
    public int Burst { get; set; }

    public int PerMinute { get; set; }
}

public sealed class SignInLimitOptions
{
    public const string Section = "SignIn";

    /// <summary>From one client address (an IPv6 client by its /64), whichever accounts it names.</summary>
    public AttemptLimit PerAddress { get; set; } = new() { Burst = 20, PerMinute = 10 };

    /// <summary>For one account, from anywhere without a device cookie that account earned on that browser.</summary>
    public AttemptLimit PerAccount { get; set; } = new() { Burst = 5, PerMinute = 1 };

    /// <summary>For one account from a browser where it signed in before (its device cookie).</summary>
    public AttemptLimit PerDevice { get; set; } = new() { Burst = 10, PerMinute = 2 };
}

/// <summary>Marks an endpoint or page whose POST is a password sign-in attempt, limited by <see cref="SignInLimits"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SignInAttemptsAttribute : Attribute;

/// <summary>
/// A sign-in attempt as the rate limiter sees it: from which address, for which account (normalised as Identity
/// looks it up), and, when the browser holds a device cookie that account earned, that device.
/// </summary>
public sealed record SignInAttempt(string Address, string Account, string? Device)
{
    /// <summary>The attempt the limiter let through for this request; a sign-in endpoint without one is not limited, which is a bug.</summary>
    public static SignInAttempt Of(HttpContext context) => context.Features.Get<SignInAttempt>()
        ?? throw new InvalidOperationException(
            $"{context.Request.Path} signs in without a rate limit. Mark it with [{nameof(SignInAttemptsAttribute)}] (or .WithMetadata(new {nameof(SignInAttemptsAttribute)}())).");
}

/// <summary>
/// Limits password sign-in attempts (POST /api/auth/login and the sign-in page) per client address and per account
/// with ASP.NET Core's rate limiter, answering 429 with Retry-After. Attempts from a browser where the account signed
/// in before (a device cookie) are counted apart from everyone else's, so strangers guessing at an account cannot keep
/// its owner out; Identity's lock-out is not used for the same reason (see the README, "Security").
/// </summary>
public static class SignInLimits
{
    public const string DeviceCookie = "approvals.device";

    private const string DevicePurpose = "Approvals.SignIn.Device";
    private static readonly TimeSpan DeviceCookieLifetime = TimeSpan.FromDays(180);

    public static void AddSignInLimits(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SignInLimitOptions.Section).Get<SignInLimitOptions>() ?? new SignInLimitOptions();
        Check(options.PerAddress, nameof(options.PerAddress));
        Check(options.PerAccount, nameof(options.PerAccount));
        Check(options.PerDevice, nameof(options.PerDevice));

        builder.Services.AddScoped<PasswordSignIn>();
        builder.Services.AddRateLimiter(o =>
        {
            // Every other request finds no attempt and passes without a limiter.
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => context.Features.Get<SignInAttempt>() is { } attempt
                    ? Bucket("address:" + attempt.Address, options.PerAddress)
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context => context.Features.Get<SignInAttempt>() switch
                {
                    { Device: { } device } => Bucket("device:" + device, options.PerDevice),
                    { } attempt => Bucket("account:" + attempt.Account, options.PerAccount),
                    null => RateLimitPartition.GetNoLimiter(""),
                }));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = Reject;
        });
    }

    /// <summary>After authentication: reads who each sign-in attempt is for, then lets the rate limiter decide on it.</summary>
    public static void UseSignInLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var isAttempt = HttpMethods.IsPost(context.Request.Method) &&
                context.GetEndpoint()?.Metadata.GetMetadata<SignInAttemptsAttribute>() is not null;
            // Set or cleared on every pass: a 429 re-executed to the error page passes here again.
            context.Features.Set(isAttempt ? await ReadAttempt(context) : null);
            await next(context);
        });
        app.UseRateLimiter();
    }

    /// <summary>Remembers in this browser that <paramref name="account"/> signed in here, for <see cref="SignInLimitOptions.PerDevice"/>.</summary>
    internal static void IssueDeviceCookie(HttpContext context, string account)
    {
        // The lifetime is in the protected value too, so an old cookie is refused whatever the browser keeps.
        var expires = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() + DeviceCookieLifetime;
        var value = Protector(context).Protect($"{account}\n{Guid.NewGuid():N}", expires);
        context.Response.Cookies.Append(DeviceCookie, value, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            IsEssential = true,
            Expires = expires,
        });
    }

    /// <summary>The account an attempt names, as Identity looks it up. (Longer addresses are refused; the key only tells accounts apart.)</summary>
    internal static string AccountKey(ILookupNormalizer normalizer, string? email)
    {
        var account = normalizer.NormalizeName(email?.Trim() ?? "") ?? "";
        return account[..Math.Min(account.Length, LoginRequestValidator.MaxEmailLength)];
    }

    private static RateLimitPartition<string> Bucket(string key, AttemptLimit limit) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.Burst,
            // One token at a time, or once a second above 60 a minute.
            TokensPerPeriod = (limit.PerMinute + 59) / 60,
            ReplenishmentPeriod = limit.PerMinute <= 60 ? TimeSpan.FromMinutes(1) / limit.PerMinute : TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private static async Task<SignInAttempt> ReadAttempt(HttpContext context)
    {
        var account = AccountKey(context.RequestServices.GetRequiredService<ILookupNormalizer>(), await ReadEmail(context));
        return new SignInAttempt(AddressOf(context), account, DeviceOf(context, account));
    }

    /// <summary>
    /// The e-mail address the attempt names, read as the endpoint will read it: the page's form field, or the API's
    /// JSON body with the app's JSON options (the body is buffered and rewound for the endpoint).
    /// </summary>
    private static async Task<string?> ReadEmail(HttpContext context)
    {
        var request = context.Request;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(context.RequestAborted);
            return form[$"{nameof(SignInModel.Input)}.{nameof(SignInForm.Email)}"].FirstOrDefault();
        }

        if (!request.HasJsonContentType())
        {
            return null;
        }

        request.EnableBuffering();
        try
        {
            var json = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            return (await JsonSerializer.DeserializeAsync<LoginRequest>(request.Body, json, context.RequestAborted))?.Email;
        }
        catch (JsonException)
        {
            return null; // the endpoint answers 400 for the same body
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    /// <summary>The client's address (after forwarded headers from trusted proxies); an IPv6 client by its /64, which one host usually holds whole.</summary>
    private static string AddressOf(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } address)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            address = new IPAddress(bytes);
            return address + "/64";
        }

        return address.ToString();
    }

    /// <summary>The device id of the browser's device cookie when <paramref name="account"/> earned it there.</summary>
    private static string? DeviceOf(HttpContext context, string account)
    {
        if (account.Length == 0 || !context.Request.Cookies.TryGetValue(DeviceCookie, out var cookie) || string.IsNullOrEmpty(cookie))
        {
            return null;
        }

        try
        {
            var parts = Protector(context).Unprotect(cookie).Split('\n');
            return parts.Length == 2 && parts[0] == account ? parts[1] : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // tampered with, or made with keys this app no longer has
        }
    }

    private static ITimeLimitedDataProtector Protector(HttpContext context) =>
        context.RequestServices.GetDataProtector(DevicePurpose).ToTimeLimitedDataProtector();

    private static async ValueTask Reject(Microsoft.AspNetCore.RateLimiting.OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInLimits))
            .LogWarning("Sign-in attempt from {Address} refused: too many attempts; retry after {Seconds} s", SignInAttempt.Of(context).Address, seconds);

        // Pages get the status alone, which the status code pages show as the friendly (Danish) 429 page.
        if (UiExtensions.IsApi(context.Request))
        {
            await Problems.TooManyRequests(
                    $"Too many sign-in attempts from your address or for this account. Wait {seconds} seconds, then try again.")
                .ExecuteAsync(context);
        }
    }

    private static void Check(AttemptLimit limit, string name)
    {
        if (limit.Burst < 1 || limit.PerMinute < 1)
        {
            throw new InvalidOperationException(
                $"{SignInLimitOptions.Section}:{name} allows {limit.Burst} attempts at once and {limit.PerMinute} a minute; both must be at least 1. " +
                $"Set {SignInLimitOptions.Section}:{name}:Burst and {SignInLimitOptions.Section}:{name}:PerMinute.");
        }
    }
}

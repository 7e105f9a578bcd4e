using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;

namespace Approvals.Web.Features.Security;

/// <summary>
/// What protects every response and the keys behind the cookies: security headers, the scheme and address a trusted
/// TLS-terminating proxy forwards, cookies marked Secure when the original request was HTTPS, and the data protection
/// keys encrypted at rest with a certificate.
/// </summary>
public static class SecurityExtensions
{
    /// <summary>
    /// Scripts, styles, images and fonts only from the app itself, no inline script or style, forms only to the app,
    /// and no page inside a frame. The pages need no script at all; the policy still names 'self' for scripts so a
    /// script file served by the app would work, while anything injected into a page would not run.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>A year: browsers then reach the app over HTTPS only, even from a typed http:// address.</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    public static void AddSecurity(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.Configure<ForwardedHeadersOptions>(o => ConfigureProxies(o, configuration.GetSection("ForwardedHeaders")));

        // Every cookie the app sets (sign-in, antiforgery, TempData, language, device) is HttpOnly, and Secure when
        // the request came over HTTPS, as seen through the trusted proxy.
        builder.Services.Configure<CookiePolicyOptions>(o =>
        {
            o.Secure = CookieSecurePolicy.SameAsRequest;
            o.HttpOnly = HttpOnlyPolicy.Always;
            o.MinimumSameSitePolicy = SameSiteMode.Lax;
        });

        // The frame rule is sent on every response below; antiforgery would add a weaker SAMEORIGIN to forms.
        builder.Services.Configure<AntiforgeryOptions>(o => o.SuppressXFrameOptionsHeader = true);

        if (configuration["DataProtection:CertificatePath"] is { Length: > 0 } path)
        {
            var certificate = LoadCertificate(path, configuration["DataProtection:CertificatePassword"]);
            builder.Services.AddDataProtection()
                .ProtectKeysWithCertificate(certificate)
                .UnprotectKeysWithAnyCertificate(certificate);
        }
    }

    /// <summary>First in the pipeline, so the forwarded scheme and address hold for everything after it, and the headers reach every response, error pages included.</summary>
    public static void UseSecurity(this WebApplication app)
    {
        var proxies = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value;
        // With no proxy configured the middleware would believe forwarded headers from anyone: leave it out.
        if (proxies.KnownProxies.Count > 0 || proxies.KnownIPNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.Use((context, next) =>
        {
            // On starting, not now: the exception handler clears the headers of a failed response before the error page.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
                if (context.Request.IsHttps && !IsLoopback(context.Request.Host.Host))
                {
                    headers.StrictTransportSecurity = StrictTransportSecurity;
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseCookiePolicy();
    }

    /// <summary>
    /// Trusts <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> only from the proxies named in
    /// <c>ForwardedHeaders:KnownProxies</c> (addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR ranges).
    /// </summary>
    private static void ConfigureProxies(ForwardedHeadersOptions options, IConfigurationSection section)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.ForwardLimit = section.GetValue("ForwardLimit", 1);
        // Not the framework's default of trusting loopback: only what the operator names.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var value in section.GetSection("KnownProxies").Get<string[]>() ?? [])
        {
            options.KnownProxies.Add(IPAddress.TryParse(value.Trim(), out var address)
                ? address
                : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies holds '{value}', which is not an IP address. Write the proxy's address, e.g. 10.0.0.5."));
        }

        foreach (var value in section.GetSection("KnownNetworks").Get<string[]>() ?? [])
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(value.Trim(), out var network)
                ? network
                : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks holds '{value}', which is not a network. Write it in CIDR form, e.g. 10.0.0.0/8."));
        }
    }

    /// <summary>The certificate whose key encrypts the data protection keys at rest; start-up fails with the reason when it cannot be used.</summary>
    internal static X509Certificate2 LoadCertificate(string path, string? password)
    {
        const string Advice = "Set DataProtection:CertificatePath to a PKCS#12 (.pfx) file with its private key, readable by the app, and DataProtection:CertificatePassword to its password.";
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"DataProtection:CertificatePath is '{path}', but there is no such file. {Advice}");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"The data protection certificate '{path}' could not be read: {e.Message.TrimEnd('.')}. Is DataProtection:CertificatePassword right? {Advice}", e);
        }

        if (!certificate.HasPrivateKey || certificate.GetRSAPrivateKey() is null)
        {
            throw new InvalidOperationException(
                $"The data protection certificate '{path}' ({certificate.Subject}) has no RSA private key, so the keys it encrypts could not be read back. {Advice}");
        }

        return certificate;
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}

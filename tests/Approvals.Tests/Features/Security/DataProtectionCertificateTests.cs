using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Approvals.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Security;

/// <summary>
/// With <c>DataProtection:CertificatePath</c> set, the keys that sign cookies and tokens are stored encrypted with the
/// certificate, and the app reads them back after a restart; a certificate it cannot use stops it from starting.
/// </summary>
public sealed class DataProtectionCertificateTests : IDisposable
{
    private const string Password = "Certifikat-adgangskode-1";
    private readonly string _folder = Directory.CreateTempSubdirectory("approvals-certificate-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Keys_are_stored_encrypted_and_read_back_after_a_restart()
    {
        var database = TestDatabase.Create(Path.Combine(_folder, "db"));
        database.Prepare();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Approvals"] = database.ConnectionString,
            ["Database:Provider"] = database.Provider,
            ["DataProtection:CertificatePath"] = NewCertificate(),
            ["DataProtection:CertificatePassword"] = Password,
        };
        try
        {
            string token;
            string cookie;
            string keys;
            await using (var first = await new ConfiguredApp(settings).StartAsync())
            {
                token = await first.TokenFor(Users.Coordinator);
                cookie = await SignInCookie(first);
                keys = string.Join("\n", await first.WithDb(db => db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync()));
            }

            Assert.NotEmpty(keys);
            Assert.Contains("<encryptedSecret", keys);
            Assert.Contains("EncryptedData", keys);
            Assert.DoesNotContain("<value>", keys);
            Assert.DoesNotContain("unencrypted", keys);

            await using var second = await new ConfiguredApp(new Dictionary<string, string?>(settings)).StartAsync();
            using var bearer = second.CreateClient();
            bearer.DefaultRequestHeaders.Authorization = new("Bearer", token);
            Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/auth/me")).StatusCode);
            using var browser = second.CreateClient(new() { AllowAutoRedirect = false });
            var home = new HttpRequestMessage(HttpMethod.Get, "/");
            home.Headers.Add("Cookie", cookie);
            Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(home)).StatusCode);
        }
        finally
        {
            await database.Drop();
        }
    }

    [Fact]
    public void Start_up_fails_naming_a_certificate_file_that_is_not_there()
    {
        var path = Path.Combine(_folder, "mangler.pfx");

        var error = StartUpError(new() { ["DataProtection:CertificatePath"] = path, ["DataProtection:CertificatePassword"] = Password });

        Assert.Contains($"DataProtection:CertificatePath is '{path}', but there is no such file", error);
    }

    [Fact]
    public void Start_up_fails_on_a_certificate_it_cannot_read()
    {
        var path = NewCertificate();

        var error = StartUpError(new() { ["DataProtection:CertificatePath"] = path, ["DataProtection:CertificatePassword"] = "forkert" });

        Assert.Contains($"The data protection certificate '{path}' could not be read", error);
        Assert.Contains("DataProtection:CertificatePassword", error);
    }

    /// <summary>The sign-in cookie the page sets, as a Cookie header for another client.</summary>
    private static async Task<string> SignInCookie(ConfiguredApp app)
    {
        using var http = app.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false });
        var form = await http.GetAsync("/log-ind");
        var antiforgery = form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToList();
        var post = new HttpRequestMessage(HttpMethod.Post, "/log-ind")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Email"] = Users.Coordinator,
                ["Input.Password"] = Approvals.Web.Features.Accounts.DemoAccounts.Password,
                ["__RequestVerificationToken"] = PageClient.TokenOf(await form.Content.ReadAsStringAsync()),
            }),
        };
        post.Headers.Add("Cookie", string.Join("; ", antiforgery));
        var signedIn = await http.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return Assert.Single(signedIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]), c => c.StartsWith("approvals=", StringComparison.Ordinal));
    }

    private static string StartUpError(Dictionary<string, string?> settings)
    {
        var app = new ConfiguredApp(settings);
        try
        {
            var error = Assert.ThrowsAny<Exception>(() => app.Server);
            var messages = new List<string>();
            for (var e = error; e is not null; e = e.InnerException)
            {
                messages.Add(e.Message);
            }

            return string.Join(" | ", messages);
        }
        finally
        {
            app.StopAsync().GetAwaiter().GetResult();
        }
    }

    private string NewCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Approvals data protection (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return path;
    }
}

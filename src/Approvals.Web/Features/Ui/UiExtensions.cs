using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.WebEncoders;
using Microsoft.AspNetCore.Localization;

namespace Approvals.Web.Features.Ui;

public static class UiExtensions
{
    /// <summary>Danish first: it is the default whatever the browser asks for; English is chosen in the header.</summary>
    public static IReadOnlyList<CultureInfo> Cultures { get; } = [new("da-DK"), new("en-GB")];

    public static void AddWebUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddLocalization();
        // Danish letters as themselves rather than as &#xE6; escapes; markup characters are still encoded.
        builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        // Pages live beside the feature they show (Features/Plans/ViewPlan.cshtml) and name their own
        // Danish route with @page "/planer/{id}".
        builder.Services.AddRazorPages(o => o.RootDirectory = "/Features")
            .AddMvcOptions(o => o.Filters.Add(new UnreadableFormFilter()));
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(Cultures[0]);
            o.SupportedCultures = [.. Cultures];
            o.SupportedUICultures = [.. Cultures];
            // Only the language switch's cookie: Accept-Language would make most browsers English.
            o.RequestCultureProviders = [new CookieRequestCultureProvider()];
        });

        // An exception while serving a page shows the friendly 500 page: the exception handler that
        // UseApiConventions adds re-executes this path (re-running routing itself). The API keeps its problem
        // details through ApiExceptionHandler, which answers first for /api. (Not a UseWhen branch: a branch of a
        // WebApplication gets no global router, so the re-executed request would find no page.)
        builder.Services.Configure<ExceptionHandlerOptions>(o => o.ExceptionHandlingPath = ErrorPath(StatusCodes.Status500InternalServerError));
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
    }

    /// <summary>Before authentication: static files and error pages need no sign-in.</summary>
    public static void UseWebUi(this WebApplication app)
    {
        // Pages get a friendly page for an error status. The API keeps the problem details that
        // UseApiConventions writes, so this handler stands aside for /api. (Not UseWhen: a branch has no
        // router of its own, and the re-executed request would find no page.)
        app.UseStatusCodePagesWithReExecute("/fejl/{0}");
        app.Use((context, next) =>
        {
            if (IsApi(context.Request) && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            return next(context);
        });
        app.UseStaticFiles();
        app.UseRequestLocalization();
    }

    public static void MapWebUi(this WebApplication app) => app.MapRazorPages();

    public static string ErrorPath(int status) => $"/fejl/{status}";

    public static bool IsApi(HttpRequest request) => IsApi(request.Path);

    public static bool IsApi(PathString path) => path.StartsWithSegments("/api");

    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Approvals.Web.Features.Ui;

/// <summary>
/// A form post past the form limits (more fields than any plan has, see <c>EditPlanModel</c>) is a 400 with the friendly
/// error page. Without this, the page's handler could not be chosen from the unreadable form and the answer was a 404.
/// Runs after <see cref="RequestFormLimitsAttribute"/> has set the page's limits. Only for plain forms: a multipart
/// upload is read by its page straight from the stream (the Word import counts the file as it arrives), so it must
/// find the body unread.
/// </summary>
internal sealed class UnreadableFormFilter : IAsyncResourceFilter, IOrderedFilter
{
    public int Order => 1000;

    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        var request = context.HttpContext.Request;
        if (request.HasFormContentType && !request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                await request.ReadFormAsync(context.HttpContext.RequestAborted);
            }
            catch (InvalidDataException)
            {
                context.Result = new BadRequestResult();
                return;
            }
        }

        await next();
    }
}

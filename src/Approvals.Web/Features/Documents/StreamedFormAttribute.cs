using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Approvals.Web.Features.Documents;

/// <summary>
/// Keeps model binding away from the request's form, which it would otherwise read (buffering a whole upload)
/// before the handler runs, so the handler can stream the body itself (<see cref="DocxUpload"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StreamedFormAttribute : Attribute, IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        context.ValueProviderFactories.RemoveType<FormValueProviderFactory>();
        context.ValueProviderFactories.RemoveType<FormFileValueProviderFactory>();
        context.ValueProviderFactories.RemoveType<JQueryFormValueProviderFactory>();
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}

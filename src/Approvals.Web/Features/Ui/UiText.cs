namespace Approvals.Web.Features.Ui;

/// <summary>
/// The UI's texts: UiText.resx is Danish (the default), UiText.en.resx English. Pages get them as
/// <c>T</c> through _ViewImports; one shared file keeps the two languages easy to compare.
/// </summary>
public sealed class UiText;

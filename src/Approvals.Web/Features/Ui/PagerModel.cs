namespace Approvals.Web.Features.Ui;

/// <summary>What the pager under a long list shows: which rows of how many, and links to the pages before and after.</summary>
public sealed record PagerModel(int Page, int PageSize, int Total, int Shown, string Label, Func<int, string> UrlFor)
{
    public int LastPage => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public int First => Shown == 0 ? 0 : ((Page - 1) * PageSize) + 1;

    public int Last => Shown == 0 ? 0 : First + Shown - 1;

    /// <summary>Whether there is anything to page: more rows than fit on one page, or a page past the first.</summary>
    public bool Needed => Total > PageSize || Page > 1;
}

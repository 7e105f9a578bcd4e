namespace Approvals.Web.Features.Ui;

public sealed record FlagCounts(int Errors, int Warnings);

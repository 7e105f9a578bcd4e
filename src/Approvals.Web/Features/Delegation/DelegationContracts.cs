using Approvals.Persistence;
using FluentValidation;

namespace Approvals.Web.Features.Delegation;

/// <summary>Hand the reviewer authority to <c>toUserId</c> from <c>fromUtc</c> until <c>toUtc</c> (a time without an offset counts as UTC).</summary>
public sealed record DelegationRequest(string? ToUserId, DateTime? FromUtc, DateTime? ToUtc);

public sealed record DelegationPerson(string Id, string Name, string Email);

/// <summary>One delegation: who hands their authority to whom, for which period, and whether it runs now.</summary>
public sealed record DelegationResponse(
    Guid Id,
    DelegationPerson Delegator,
    DelegationPerson Delegate,
    DateTime FromUtc,
    DateTime ToUtc,
    bool Running,
    DateTime CreatedUtc,
    string CreatedBy);

/// <summary>A person's delegations: those they gave that run now or start later, and those they hold now.</summary>
public sealed record DelegationsResponse(IReadOnlyList<DelegationResponse> Given, IReadOnlyList<DelegationResponse> Received);

internal sealed class DelegationRequestValidator : AbstractValidator<DelegationRequest>
{
    public DelegationRequestValidator()
    {
        RuleFor(r => r.ToUserId)
            .NotEmpty().WithMessage("Give toUserId: the id of the account that holds your authority while you are away.")
            .MaximumLength(AppUser.MaxIdLength).WithMessage($"toUserId is an account id of at most {AppUser.MaxIdLength} characters.");
        RuleFor(r => r.FromUtc)
            .NotNull().WithMessage("Give fromUtc: when the delegation starts, as an ISO 8601 time such as 2026-12-01T07:00:00Z.");
        RuleFor(r => r.ToUtc)
            .NotNull().WithMessage("Give toUtc: when the delegation ends, as an ISO 8601 time such as 2026-12-15T16:00:00Z.");
    }
}

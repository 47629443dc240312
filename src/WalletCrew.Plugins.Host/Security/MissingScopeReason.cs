using Microsoft.AspNetCore.Authorization;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>Why a valid key was refused: the scopes, any one of which would have been enough.</summary>
internal sealed class MissingScopeReason(IAuthorizationHandler handler, IReadOnlyList<string> anyOf)
    : AuthorizationFailureReason(handler, $"The key lacks the scope {string.Join(" or ", anyOf.Select(s => $"'{s}'"))}.")
{
    public IReadOnlyList<string> AnyOf { get; } = anyOf;
}

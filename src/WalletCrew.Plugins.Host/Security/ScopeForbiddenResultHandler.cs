using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using WalletCrew.Plugins.Host.Problems;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>Answers a valid key used outside its scopes with 403 and a ProblemDetails naming the scope it lacks (in the console, a page saying it); anything else as usual.</summary>
internal sealed class ScopeForbiddenResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure?.FailureReasons.OfType<MissingScopeReason>().FirstOrDefault() is { } reason)
        {
            if (Console.ConsoleErrors.IsConsole(context))
            {
                return Console.ConsoleErrors.MissingScope(context).ExecuteAsync(context);
            }

            var held = context.User.FindAll(ApiScope.ClaimType).Select(c => c.Value).ToList();
            return ApiProblems.MissingScope($"{context.Request.Method} {context.Request.Path}", reason.AnyOf, held).ExecuteAsync(context);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

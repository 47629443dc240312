using Microsoft.AspNetCore.Antiforgery;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>
/// Guards every console POST: the request must come from the console's own origin (when the browser says where it comes
/// from) and carry the antiforgery token of the page it was posted from; otherwise 403 or 400 and nothing changes.
/// </summary>
internal sealed class ConsoleForms(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var origin = http.Request.Headers.Origin.ToString();
        // The authority is compared, not the scheme: behind a proxy that ends TLS the host sees http while the browser says https.
        if (origin.Length > 0 && !(Uri.TryCreate(origin, UriKind.Absolute, out var from)
            && string.Equals(from.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase)))
        {
            return ConsoleErrors.Page(http, StatusCodes.Status403Forbidden, "Cross-origin form",
                $"A console form was posted from '{origin}'; the console accepts forms only from its own pages. Nothing was changed.");
        }

        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
        {
            return ConsoleErrors.Page(http, StatusCodes.Status400BadRequest, "Missing or stale form token",
                "The form's antiforgery token is missing or belongs to another session; nothing was changed. Reload the page and try again.");
        }

        return await next(context).ConfigureAwait(false);
    }
}

namespace WalletCrew.Plugins.Host.Console;

/// <summary>
/// The security headers of every console response: a Content-Security-Policy that allows only the console's own stylesheet,
/// script and images (no inline script or style, no framing, forms post only to the console), no MIME sniffing, no referrer to other sites,
/// and no caching of pages that show tenant data.
/// </summary>
internal static class ConsoleHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IApplicationBuilder UseConsoleHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Path.StartsWithSegments(ConsoleRoutes.Root, StringComparison.Ordinal))
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with the console's own forms.
            headers["Referrer-Policy"] = "same-origin";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            if (!context.Request.Path.StartsWithSegments(ConsoleRoutes.Assets, StringComparison.Ordinal))
            {
                headers.CacheControl = "no-store";
            }
        }

        return next(context);
    });
}

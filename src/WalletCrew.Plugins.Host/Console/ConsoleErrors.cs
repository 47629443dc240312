namespace WalletCrew.Plugins.Host.Console;

/// <summary>Refusals inside the console as pages (status code kept), so a person sees what happened and a way back.</summary>
internal static class ConsoleErrors
{
    public static IResult Page(HttpContext http, int statusCode, string title, string detail)
    {
        var page = new ConsolePage(http, http.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>());
        return page.Render(title, Html.Of($"""
            <p class="error" role="alert" id="error">{detail}</p>
            <p><a href="{ConsoleRoutes.Root}">Back to the overview</a></p>
            """), statusCode);
    }

    /// <summary>
    /// The page for a signed-in key outside its scope: another tenant's data, or an action that needs admin. It does not
    /// name the scope that would do, which for another tenant's event would name that tenant.
    /// </summary>
    public static IResult MissingScope(HttpContext http) => Page(http, StatusCodes.Status403Forbidden, "Not for this key",
        $"This page or action is not open to the key you signed in with ('{new ConsoleViewer(http.User).Scope}'): it belongs to another tenant or needs an admin key. Nothing was changed.");

    public static bool IsConsole(HttpContext http) => http.Request.Path.StartsWithSegments(ConsoleRoutes.Root, StringComparison.Ordinal);
}

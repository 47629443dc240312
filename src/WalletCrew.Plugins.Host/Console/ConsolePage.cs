using Microsoft.AspNetCore.Antiforgery;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>One console request: who asks, the antiforgery token for its forms, and the page shell around each view.</summary>
internal sealed class ConsolePage(HttpContext http, IAntiforgery antiforgery)
{
    private AntiforgeryTokenSet? _tokens;

    public ConsoleViewer Viewer { get; } = new(http.User);

    /// <summary>Binds a route handler's <see cref="ConsolePage"/> parameter to the request.</summary>
    public static ValueTask<ConsolePage?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<ConsolePage?>(new ConsolePage(context, context.RequestServices.GetRequiredService<IAntiforgery>()));

    public HttpContext Http => http;

    /// <summary>The hidden antiforgery field every state-changing form carries.</summary>
    public Html AntiforgeryField()
    {
        _tokens ??= antiforgery.GetAndStoreTokens(http);
        return Html.Of($"""<input type="hidden" name="{_tokens.FormFieldName}" value="{_tokens.RequestToken}">""");
    }

    /// <summary>A form that changes state: POST, same origin, with the antiforgery field.</summary>
    public Html PostForm(string action, Html fields, string button, string cssClass = "") => Html.Of($"""
        <form method="post" action="{action}" class="inline {cssClass}">{AntiforgeryField()}{fields}<button type="submit">{button}</button></form>
        """);

    /// <summary>Renders <paramref name="main"/> in the console's shell as a full HTML page.</summary>
    public IResult Render(string title, Html main, int statusCode = StatusCodes.Status200OK)
    {
        // Only a console session gets the navigation (a Bearer header on the sign-in page is not one).
        var nav = http.User.Identity is not { IsAuthenticated: true, AuthenticationType: ConsoleCookie.Scheme } ? Html.Empty : Html.Of($"""
            <nav aria-label="Console">
              <a href="{ConsoleRoutes.Root}">Overview</a>
              <a href="{ConsoleRoutes.Tenants}">Tenants</a>
              <a href="{ConsoleRoutes.Deliveries}">Deliveries</a>
              <a href="{ConsoleRoutes.DeadLetters}">Dead letters</a>
            </nav>
            <div class="who">
              <span title="{Viewer.Name}">{Viewer.Scope}</span>
              {PostForm(ConsoleRoutes.SignOut, Html.Empty, "Sign out", "sign-out")}
            </div>
            """);
        var page = Html.Of($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>{title} · WalletCrew console</title>
              <link rel="stylesheet" href="{ConsoleRoutes.Stylesheet}">
              <script src="{ConsoleRoutes.Script}" defer></script>
            </head>
            <body>
              <a class="skip" href="#main">Skip to content</a>
              <header><span class="brand">WalletCrew</span>{nav}</header>
              <main id="main" tabindex="-1">
                <h1>{title}</h1>
                {main}
              </main>
            </body>
            </html>
            """);
        return Results.Content(page.ToString(), "text/html; charset=utf-8", System.Text.Encoding.UTF8, statusCode);
    }
}

using Microsoft.AspNetCore.Authentication.Cookies;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>
/// The console's sign-in cookie: an authentication ticket protected by ASP.NET Core data protection (encrypted and
/// signed), holding the key's configuration path and scopes, never the key. HttpOnly, SameSite=Strict, Secure over HTTPS.
/// </summary>
internal static class ConsoleCookie
{
    public const string Scheme = "Console";
    public const string Name = "wcp-console";
    public const string AntiforgeryName = "wcp-console-af";

    /// <summary>How long a sign-in lasts without use; each request in the second half renews it.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(8);

    public static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = Name;
        options.Cookie.Path = ConsoleRoutes.Root;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = IdleTimeout;
        options.SlidingExpiration = true;
        options.LoginPath = ConsoleRoutes.SignIn;
        options.LogoutPath = ConsoleRoutes.SignOut;
        options.ReturnUrlParameter = "returnUrl";
        // A signed-in key outside its scope gets 403 (ScopeForbiddenResultHandler names the scope), never a redirect loop.
        options.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
    }
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using WalletCrew.Plugins.Host.Security;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>
/// The console's sign-in cookie: an authentication ticket protected by ASP.NET Core data protection (encrypted and
/// signed), holding the key's configuration path, scopes and a stamp of the key (a hash of its hash), never the key. HttpOnly, SameSite=Strict, Secure over HTTPS.
/// </summary>
internal static class ConsoleCookie
{
    public const string Scheme = "Console";
    public const string Name = "wcp-console";
    public const string AntiforgeryName = "wcp-console-af";

    /// <summary>The claim naming the key a session was opened with (<see cref="ApiKeyRing.StampOf"/>), never the key.</summary>
    public const string KeyStampClaim = "wcp:key-stamp";

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
        // A session lives only as long as its key and scopes: a key removed, rotated or narrowed (after a restart) ends its sessions.
        options.Events.OnValidatePrincipal = async context =>
        {
            var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeyRing>();
            var held = context.Principal?.FindFirst(KeyStampClaim)?.Value is { } stamp ? keys.FindByStamp(stamp) : null;
            if (held is null || !context.Principal!.FindAll(ApiScope.ClaimType).All(c => held.Scopes.Any(s => s.Name == c.Value)))
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(Scheme).ConfigureAwait(false);
            }
        };
        // A signed-in key outside its scope gets 403 (ScopeForbiddenResultHandler names the scope), never a redirect loop.
        options.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
    }
}

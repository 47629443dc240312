using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using WalletCrew.Plugins.Host.Security;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>
/// Sign-in with an <c>admin</c> or <c>tenant:{id}</c> key: the key is checked against the configured ones (hashed, constant
/// time) and the cookie then carries only the key's name and scopes. Sign-out clears it.
/// </summary>
internal static class SignInPage
{
    public static IResult Show(ConsolePage page, string? returnUrl) => Form(page, returnUrl, null, StatusCodes.Status200OK);

    public static async Task<IResult> SignInAsync(ConsolePage page, ApiKeyRing keys)
    {
        var form = await page.Http.Request.ReadFormAsync(page.Http.RequestAborted).ConfigureAwait(false);
        var returnUrl = form["returnUrl"].ToString();
        var key = form["key"].ToString().Trim();
        if (key.Length == 0)
        {
            return Form(page, returnUrl, "Enter an API key.", StatusCodes.Status400BadRequest);
        }

        if (keys.Find(key) is not { } identity)
        {
            return Form(page, returnUrl, "That key is not configured on this host.", StatusCodes.Status401Unauthorized);
        }

        var scopes = identity.Scopes.Where(s => s == ApiScope.Admin || s.TenantId is not null).ToList();
        if (scopes.Count == 0)
        {
            return Form(page, returnUrl, $"That key has neither the '{ApiScope.AdminName}' scope nor a '{ApiScope.TenantPrefix}{{id}}' scope; the console needs one of them.", StatusCodes.Status403Forbidden);
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, identity.Name), new Claim(ConsoleCookie.KeyStampClaim, keys.StampOf(identity)), .. scopes.Select(s => new Claim(ApiScope.ClaimType, s.Name))],
            ConsoleCookie.Scheme));
        await page.Http.SignInAsync(ConsoleCookie.Scheme, principal).ConfigureAwait(false);
        return Results.Redirect(ConsoleRoutes.IsLocal(returnUrl) ? returnUrl : ConsoleRoutes.Root);
    }

    public static async Task<IResult> SignOutAsync(ConsolePage page)
    {
        await page.Http.SignOutAsync(ConsoleCookie.Scheme).ConfigureAwait(false);
        return Results.Redirect(ConsoleRoutes.SignIn + "?signedOut=1");
    }

    private static IResult Form(ConsolePage page, string? returnUrl, string? error, int status)
    {
        var signedOut = page.Http.Request.Query.ContainsKey("signedOut");
        return page.Render("Sign in", Html.Of($"""
            {Html.If(signedOut && error is null, Html.Of($"""<p class="notice" role="status">You are signed out.</p>"""))}
            {Html.If(error is not null, Html.Of($"""<p class="error" role="alert" id="sign-in-error">{error}</p>"""))}
            <form method="post" action="{ConsoleRoutes.SignIn}" class="card sign-in">
              {page.AntiforgeryField()}
              <input type="hidden" name="returnUrl" value="{(ConsoleRoutes.IsLocal(returnUrl) ? returnUrl : ConsoleRoutes.Root)}">
              <label for="key">API key (<code>admin</code> or <code>tenant:{"{id}"}</code> scope)</label>
              <input id="key" name="key" type="password" autocomplete="current-password" required autofocus
                     {Html.If(error is not null, Html.Of($"aria-describedby=\"sign-in-error\""))}>
              <button type="submit">Sign in</button>
              <p class="muted">The key is checked once; the cookie carries only its name and scopes.</p>
            </form>
            """), status);
    }
}

using Microsoft.AspNetCore.DataProtection;
using WalletCrew.Plugins.Host.Security;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>
/// The operator console at <c>/console</c>: server-rendered HTML pages over the same store and runtime as the admin API,
/// signed in by cookie (<see cref="ConsoleCookie"/>), every form guarded by <see cref="ConsoleForms"/>, every response by
/// <see cref="ConsoleHeaders"/>. Pages need <see cref="ApiPolicies.ConsoleRead"/>, actions <see cref="ApiPolicies.ConsoleAdmin"/>.
/// </summary>
internal static class ConsoleExtensions
{
    /// <summary>Where the console's sign-in cookies' data protection keys are kept; hosts behind one address share one folder.</summary>
    public const string KeysDirectorySetting = "WalletCrew:Console:KeysDirectory";

    public static IServiceCollection AddWalletCrewConsole(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration[KeysDirectorySetting] is { Length: > 0 } keys)
        {
            services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(keys)).SetApplicationName("WalletCrew.Plugins.Host");
        }

        services.AddAuthentication().AddCookie(ConsoleCookie.Scheme, ConsoleCookie.Configure);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = ConsoleCookie.AntiforgeryName;
            o.Cookie.Path = ConsoleRoutes.Root;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__console";
            o.HeaderName = null;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder routes)
    {
        ConsoleAssets.Map(routes);
        routes.MapGet(ConsoleRoutes.SignIn, (string? returnUrl, ConsolePage page) => SignInPage.Show(page, returnUrl)).AllowAnonymous();
        routes.MapPost(ConsoleRoutes.SignIn, SignInPage.SignInAsync).AllowAnonymous().AddEndpointFilter<ConsoleForms>();

        var read = routes.MapGroup("").RequireAuthorization(ApiPolicies.ConsoleRead);
        read.MapGet(ConsoleRoutes.Root, OverviewPage.ShowAsync);
        read.MapGet(ConsoleRoutes.Tenants, TenantsPage.Show);
        read.MapGet(ConsoleRoutes.DeviceLogs, DeviceLogsPage.ShowAsync);
        read.MapGet(ConsoleRoutes.Deliveries, DeliveriesPage.ShowAsync);
        read.MapGet(ConsoleRoutes.Delivery, DeliveryPage.ShowAsync);
        // Signed in by the same cookie as the page it came from, so the form's token matches the session.
        read.MapPost(ConsoleRoutes.SignOut, SignInPage.SignOutAsync).AddEndpointFilter<ConsoleForms>();

        var operate = routes.MapGroup("").RequireAuthorization(ApiPolicies.ConsoleAdmin);
        operate.MapGet(ConsoleRoutes.Replay, ReplayPage.PreviewAsync);
        operate.MapPost(ConsoleRoutes.Replay, ReplayPage.ReplayAsync).AddEndpointFilter<ConsoleForms>();
        operate.MapPost(ConsoleRoutes.ReplayOne, DeliveryPage.ReplayAsync).AddEndpointFilter<ConsoleForms>();
        return routes;
    }
}

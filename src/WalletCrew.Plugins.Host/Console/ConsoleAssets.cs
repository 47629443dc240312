using System.Reflection;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>The console's stylesheet and script, embedded in the host assembly and served from <see cref="ConsoleRoutes.Assets"/>.</summary>
internal static class ConsoleAssets
{
    private static readonly byte[] Stylesheet = Read("console.css");
    private static readonly byte[] Script = Read("console.js");

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(ConsoleRoutes.Stylesheet, () => Results.Bytes(Stylesheet, "text/css; charset=utf-8")).AllowAnonymous();
        routes.MapGet(ConsoleRoutes.Script, () => Results.Bytes(Script, "text/javascript; charset=utf-8")).AllowAnonymous();
    }

    private static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("WalletCrew.Plugins.Host.Console.Assets." + name)
            ?? throw new InvalidOperationException($"The console asset '{name}' is not embedded in the host.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

using System.Reflection;

namespace WalletCrew.Plugins.Engine.Tests.Support;

/// <summary>The plugin projects under <c>plugins-sample/plugins</c>, built by MSBuild before the tests (a project reference without its output).</summary>
internal static class SamplePlugins
{
    public const string AcmeLoyalty = "AcmeLoyaltyPlugin";

    private static readonly string s_configuration =
        typeof(SamplePlugins).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <summary>Gets the build output folder of a sample plugin, in the configuration the tests were built in.</summary>
    public static string OutputOf(string name) =>
        Path.Combine(RepositoryPaths.Root, "plugins-sample", "plugins", name, "bin", s_configuration, "net10.0");

    /// <summary>Copies a sample plugin's build output into <c>server/plugins/&lt;name&gt;/</c> and returns that folder.</summary>
    public static string CopyInto(TenantFolder tenant, string name)
    {
        var source = OutputOf(name);
        if (!File.Exists(Path.Combine(source, name + ".dll")))
        {
            throw new InvalidOperationException($"{name}.dll not found in {source}: build the solution in {s_configuration} first.");
        }

        var target = PluginFolder(tenant, name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        return target;
    }

    public static string PluginFolder(TenantFolder tenant, string name) => Path.Combine(tenant.Directory, "server", "plugins", name);
}

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>Locates folders of the repository from the test's output folder.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string SampleTenants => Path.Combine(Root, "plugins-sample", "tenants");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "WalletCrew.Plugins.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("WalletCrew.Plugins.sln not found above " + AppContext.BaseDirectory);
    }
}

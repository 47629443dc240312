using System.IO.Compression;
using System.Xml.Linq;
using WalletCrew.Plugins.Cli.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary>The WalletCrew.Plugins.Abstractions package as <c>dotnet pack</c> makes it: what a plugin author's restore gets.</summary>
[Trait("Category", "SdkBuild")]
public sealed class AbstractionsPackageTests
{
    [Fact]
    public async Task ThePackageCarriesTheAssemblyItsXmlDocsItsReadmeAndItsMetadata()
    {
        var feed = await LocalFeed.FolderAsync();
        var version = typeof(IPassUpdater).Assembly.GetName().Version!.ToString(3);

        using var package = ZipFile.OpenRead(Path.Combine(feed, $"WalletCrew.Plugins.Abstractions.{version}.nupkg"));
        using var nuspecStream = package.GetEntry("WalletCrew.Plugins.Abstractions.nuspec")!.Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        package.Entries.Select(e => e.FullName).Should().Contain(
            ["lib/net10.0/WalletCrew.Plugins.Abstractions.dll", "lib/net10.0/WalletCrew.Plugins.Abstractions.xml", "README.md"]);
        Field("version").Should().Be(version, "the package's version is the assembly's: one <Version> in Directory.Build.props");
        Field("license").Should().Be("MIT");
        Field("readme").Should().Be("README.md");
        Field("description").Should().NotBeNullOrWhiteSpace();
    }
}

using System.IO.Compression;
using System.Text.Json;
using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Testing.Tests;

/// <summary>The package as <c>dotnet pack</c> makes it, used the way a connector author's test project uses it: restored from a
/// package folder alone, with no network and no project reference, it loads the samples and runs a typed Refit client.</summary>
[Trait("Category", "SdkBuild")]
public sealed class PackageTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task A_test_project_referencing_only_the_package_runs_the_samples()
    {
        var root = Path.Combine(Path.GetTempPath(), "wcp-tests", "testing-package-" + Guid.NewGuid().ToString("N"));
        var feed = Path.Combine(root, "feed");
        var consumer = Path.Combine(root, "consumer");
        Directory.CreateDirectory(consumer);
        try
        {
            foreach (var project in new[] { "WalletCrew.Plugins.Abstractions", "WalletCrew.Plugins.Testing" })
            {
                var pack = await DotnetProcess.RunAsync(
                    TimeSpan.FromMinutes(3), "pack", Path.Combine(RepositoryPaths.Root, "src", project), "-c", Configuration, "--no-build", "-nologo", "-o", feed);
                Assert.True(pack.ExitCode == 0, pack.Output);
            }

            using (var package = ZipFile.OpenRead(Path.Combine(feed, "WalletCrew.Plugins.Testing.0.1.0.nupkg")))
            {
                var entries = package.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("lib/net10.0/WalletCrew.Plugins.Testing.dll", entries);
                Assert.Contains("lib/net10.0/WalletCrew.Plugins.Testing.xml", entries);
                Assert.Contains("lib/net10.0/WalletCrew.Plugins.Engine.dll", entries);
                Assert.Contains("build/engine/connector-libs/Refit.dll", entries);
                Assert.Contains("buildTransitive/WalletCrew.Plugins.Testing.targets", entries);
            }

            CopyRestoredPackages(feed);
            WriteConsumer(consumer);
            var test = await DotnetProcess.RunAsync(
                TimeSpan.FromMinutes(8), "test", consumer, "-c", Configuration, "-nologo",
                $"-p:RestoreSources={feed}", $"-p:RestorePackagesPath={Path.Combine(root, "packages")}");
            Assert.True(test.ExitCode == 0, test.Output);
            Assert.Contains("Passed:     2", test.Output, StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    // Every package the testing package and this test project restored (the package's dependencies, xunit and the test SDK; the
    // package's own list holds those this project's ASP.NET Core framework reference prunes), from the machine's package folder.
    private static void CopyRestoredPackages(string feed)
    {
        CopyRestoredPackages(feed, Path.Combine(RepositoryPaths.Root, "src", "WalletCrew.Plugins.Testing", "obj", "project.assets.json"));
        CopyRestoredPackages(feed, Path.Combine(RepositoryPaths.Root, "tests", "WalletCrew.Plugins.Testing.Tests", "obj", "project.assets.json"));
    }

    private static void CopyRestoredPackages(string feed, string assetsFile)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(assetsFile));
        var packageFolder = assets.RootElement.GetProperty("packageFolders").EnumerateObject().First().Name;
        foreach (var library in assets.RootElement.GetProperty("libraries").EnumerateObject())
        {
            if (library.Value.GetProperty("type").GetString() == "package")
            {
                var path = library.Value.GetProperty("path").GetString()!;
                var nupkg = path.Replace('/', '.') + ".nupkg";
                File.Copy(Path.Combine(packageFolder, path, nupkg), Path.Combine(feed, nupkg), overwrite: true);
            }
        }
    }

    private static void WriteConsumer(string consumer)
    {
        File.WriteAllText(Path.Combine(consumer, "Consumer.Tests.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <IsTestProject>true</IsTestProject>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="{Version("Microsoft.NET.Test.Sdk")}" />
                <PackageReference Include="xunit" Version="{Version("xunit")}" />
                <PackageReference Include="xunit.runner.visualstudio" Version="{Version("xunit.runner.visualstudio")}" />
                <PackageReference Include="WalletCrew.Plugins.Testing" Version="0.1.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "SampleTests.cs"), $$""""
            using WalletCrew.Plugins;
            using WalletCrew.Plugins.Testing;
            using Xunit;

            public sealed class SampleTests
            {
                private const string Samples = @"{{RepositoryPaths.SampleTenants}}";

                [Fact]
                public async Task AcmeCrm_install_posts_the_customer()
                {
                    using var host = ConnectorTestHost.Load(Path.Combine(Samples, "acme-crm"));
                    host.SetSecret("PARTNER-API-SECRET", "s3cret");
                    host.Answer("POST", "https://partner.example/wallet/installation", 204);

                    var result = await host.InstallAsync("pass-1", new Dictionary<string, string> { ["customerId"] = "C42" }, device: Device.Google);

                    Assert.True(result.Succeeded, result.Error);
                    Assert.Equal("customerId=C42&isInstalled=true&device=google", Assert.Single(result.Requests).Body);
                }

                [Fact]
                public async Task The_refit_sample_runs_with_the_shipped_libraries_and_generators()
                {
                    using var host = ConnectorTestHost.Load(Path.Combine(Samples, "loyalty-refit"));
                    host.Answer("GET", "https://loyalty.example/customers/C42", 200, """{"points":120,"tier":"gold"}""",
                        new Dictionary<string, string> { ["Content-Type"] = "application/json" });

                    var result = await host.FillAsync("refit", "pass-1", new Dictionary<string, string> { ["customerId"] = "C42" });

                    Assert.True(result.Succeeded, result.Error);
                    Assert.Equal(120, (int)result.Data!["points"]!);
                }
            }
            """");
    }

    // The versions this repository pins centrally, so the consumer restores exactly what was copied into the feed.
    private static string Version(string package)
    {
        var props = System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryPaths.Root, "Directory.Packages.props"));
        return props.Descendants("PackageVersion").Single(e => (string?)e.Attribute("Include") == package).Attribute("Version")!.Value;
    }
}

using System.Security;

namespace WalletCrew.Plugins.Cli.Commands;

/// <summary>The project <c>wcp new plugin</c> writes: a class library compiled against the abstractions the host provides.</summary>
internal static class PluginTemplate
{
    /// <summary>Returns the files to write, by name relative to the project folder.</summary>
    /// <param name="name">The plugin's name: its assembly, folder and namespace.</param>
    /// <param name="abstractions">The WalletCrew.Plugins.Abstractions.dll to compile against.</param>
    /// <param name="logging">The Microsoft.Extensions.Logging.Abstractions.dll it exposes.</param>
    public static IReadOnlyDictionary<string, string> Render(string name, string abstractions, string logging) => new Dictionary<string, string>
    {
        [name + ".csproj"] = Project(abstractions, logging),
        [name + "Module.cs"] = Module(name),
        ["InstallationLogger.cs"] = Updater(name),
    };

    // References by HintPath with Private=false: the host loads its own copies and shares them with the plugin.
    private static string Project(string abstractions, string logging) => $$"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <EnableDynamicLoading>true</EnableDynamicLoading>
          </PropertyGroup>
          <ItemGroup>
            <!-- Provided by the host at run time: compile against them, never ship a copy (Private=false). -->
            <Reference Include="WalletCrew.Plugins.Abstractions">
              <HintPath>{{SecurityElement.Escape(abstractions)}}</HintPath>
              <Private>false</Private>
            </Reference>
            <Reference Include="Microsoft.Extensions.Logging.Abstractions">
              <HintPath>{{SecurityElement.Escape(logging)}}</HintPath>
              <Private>false</Private>
            </Reference>
          </ItemGroup>
          <ItemGroup>
            <Using Include="Microsoft.Extensions.Logging" />
            <Using Include="WalletCrew.Plugins" />
          </ItemGroup>
        </Project>

        """;

    private static string Module(string name) => $$"""
        namespace {{name}};

        // {{name}}: a plugin assembly. Build it with `dotnet build -c Release`, copy bin/Release/net10.0/* into
        // <tenant>/server/plugins/{{name}}/, then check it with `wcp check <tenant>` and try it with
        // `wcp invoke <tenant> installed --pass-id P1 --pass-type loyalty --device apple`.

        /// <summary>Registers this plugin's connectors; the platform creates it and calls Register once per loaded version.</summary>
        public sealed class {{name}}Module : IConnectorModule
        {
            /// <inheritdoc />
            public void Register(IConnectorContext context)
            {
                context.Register(RegistrationKeys.PassUpdater, new InstallationLogger(context));
            }
        }

        """;

    private static string Updater(string name) => $$"""
        namespace {{name}};

        /// <summary>Runs when a pass is installed in or removed from Apple or Google Wallet; throw to fail, the host retries.</summary>
        public sealed class InstallationLogger(IConnectorContext context) : IPassUpdater
        {
            /// <inheritdoc />
            public Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken)
            {
                context.Log.LogInformation("Pass {PassId} installed on {Device}", e.PassId, DeviceName(e.Device));
                return Task.CompletedTask;
            }

            /// <inheritdoc />
            public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken)
            {
                context.Log.LogInformation("Pass {PassId} uninstalled from {Device}", e.PassId, DeviceName(e.Device));
                return Task.CompletedTask;
            }

            private static string DeviceName(Device device) => device == Device.Apple ? "apple" : "google";
        }

        """;
}

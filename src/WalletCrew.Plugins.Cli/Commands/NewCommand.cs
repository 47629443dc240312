using System.CommandLine;

namespace WalletCrew.Plugins.Cli.Commands;

/// <summary><c>wcp new script &lt;name&gt;</c> and <c>wcp new plugin &lt;name&gt;</c>: scaffold a connector that passes <c>wcp check</c>.</summary>
internal static class NewCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The connector's name: letters, digits, '-' or '_'." };
        var tenant = new Option<DirectoryInfo>("--tenant")
        {
            Description = "The tenant folder to create it in.",
            DefaultValueFactory = _ => new DirectoryInfo(Directory.GetCurrentDirectory()),
        };
        var script = new Command("script", "Create server/script/<name>.csx: pass updater hooks in the JavaScript style, ready to edit (and the editor projects, as wcp edit does).") { name, tenant };
        script.SetAction(parse =>
        {
            var connector = parse.GetValue(name)!;
            var error = parse.InvocationConfiguration.Error;
            if (connector.Length == 0 || !connector.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                error.WriteLine($"'{connector}' is not a valid connector name: use letters, digits, '-' or '_'.");
                return ExitCodes.Usage;
            }

            var (file, content) = ConnectorTemplates.Render(ConnectorTemplates.Script, connector).Single();
            var path = Path.Combine(parse.GetValue(tenant)!.FullName, file);
            if (File.Exists(path))
            {
                error.WriteLine($"{path} already exists; choose another name or delete it.");
                return ExitCodes.Failure;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
            parse.InvocationConfiguration.Output.WriteLine($"Created {path}. Check it with: wcp check {parse.GetValue(tenant)}");
            if (parse.GetValue(tenant)!.Name is var folderName && !Engine.TenantIds.IsValid(folderName))
            {
                // The folder's name is the tenant's id: check and serve refuse it, so say so now rather than at the next step.
                error.WriteLine($"warning: the tenant folder's name is its id, and {Engine.TenantIds.Explain(folderName)} Rename the folder before wcp check or serve.");
            }

            EditCommand.Report(parse.InvocationConfiguration.Output, EditorProject.Write(parse.GetValue(tenant)!.FullName));
            return ExitCodes.Success;
        });

        return new Command("new", "Scaffold a connector.") { script, CreatePlugin() };
    }

    private static Command CreatePlugin()
    {
        var name = new Argument<string>("name") { Description = "The plugin's name: its assembly, its folder under server/plugins and its namespace." };
        var output = new Option<DirectoryInfo?>("--output", "-o") { Description = "The project folder to create; ./<name> by default." };
        var plugin = new Command("plugin", "Create a class library project whose build output, copied to <tenant>/server/plugins/<name>/, passes wcp check.")
        {
            name, output,
        };
        plugin.SetAction(parse =>
        {
            var pluginName = parse.GetValue(name)!;
            var error = parse.InvocationConfiguration.Error;
            if (pluginName.Length == 0 || !char.IsAsciiLetter(pluginName[0]) || !pluginName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                error.WriteLine($"'{pluginName}' is not a valid plugin name: start with a letter and use letters, digits or '_' (it names the assembly, its folder and its namespace).");
                return ExitCodes.Usage;
            }

            var directory = parse.GetValue(output)?.FullName ?? Path.Combine(Directory.GetCurrentDirectory(), pluginName);
            var project = Path.Combine(directory, pluginName + ".csproj");
            if (File.Exists(project))
            {
                error.WriteLine($"{project} already exists; choose another name or folder.");
                return ExitCodes.Failure;
            }

            Directory.CreateDirectory(directory);
            foreach (var (file, content) in ConnectorTemplates.Render(ConnectorTemplates.Plugin, pluginName))
            {
                File.WriteAllText(Path.Combine(directory, file), content);
            }

            var written = parse.InvocationConfiguration.Output;
            written.WriteLine($"Created {project}; it references the WalletCrew.Plugins.Abstractions package {ConnectorTemplates.AbstractionsVersion}, compile-only, from your package feed.");
            written.WriteLine("Build it, copy its output into a tenant and check it:");
            written.WriteLine($"  dotnet build {directory} -c Release");
            written.WriteLine($"  copy {Path.Combine(directory, "bin", "Release", "net10.0")}/* to <tenant>/server/plugins/{pluginName}/");
            written.WriteLine("  wcp check <tenant>");
            return ExitCodes.Success;
        });
        return plugin;
    }
}

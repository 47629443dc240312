using System.CommandLine;

namespace WalletCrew.Plugins.Cli.Commands;

/// <summary><c>wcp new script &lt;name&gt;</c>: scaffolds a connector that passes <c>wcp check</c>.</summary>
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
        var script = new Command("script", "Create server/script/<name>.csx: pass updater hooks in the JavaScript style, ready to edit.") { name, tenant };
        script.SetAction(parse =>
        {
            var connector = parse.GetValue(name)!;
            var error = parse.InvocationConfiguration.Error;
            if (connector.Length == 0 || !connector.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                error.WriteLine($"'{connector}' is not a valid connector name: use letters, digits, '-' or '_'.");
                return ExitCodes.Usage;
            }

            var path = Path.Combine(parse.GetValue(tenant)!.FullName, "server", "script", connector + ".csx");
            if (File.Exists(path))
            {
                error.WriteLine($"{path} already exists; choose another name or delete it.");
                return ExitCodes.Failure;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, ScriptTemplate.Render(connector));
            parse.InvocationConfiguration.Output.WriteLine($"Created {path}. Check it with: wcp check {parse.GetValue(tenant)}");
            return ExitCodes.Success;
        });

        return new Command("new", "Scaffold a connector.") { script };
    }
}

using System.CommandLine;

namespace WalletCrew.Plugins.Cli.Commands;

/// <summary><c>wcp edit &lt;tenantDir&gt;</c>: writes (or refreshes) the editor projects of a tenant's scripts, <see cref="EditorProject"/>.</summary>
internal static class EditCommand
{
    public static Command Create()
    {
        var tenantDirectory = CommonOptions.TenantDirectory();
        var command = new Command("edit", $"Set up IntelliSense and live diagnostics for a tenant's scripts in a C# editor: writes <tenantDir>/{EditorProject.FolderName}/ (git-ignored); run it again after adding a script.")
        {
            tenantDirectory,
        };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(tenantDirectory)!;
            if (!directory.Exists)
            {
                parse.InvocationConfiguration.Error.WriteLine($"{directory.FullName} is not a folder: pass the tenant folder holding server/script/.");
                return ExitCodes.Usage;
            }

            Report(parse.InvocationConfiguration.Output, EditorProject.Write(directory.FullName));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Tells the author what was set up and what to open.</summary>
    public static void Report(TextWriter output, (string Solution, IReadOnlyList<string> Scripts) setup)
    {
        output.WriteLine($"Editor projects for {setup.Scripts.Count} script(s): open {setup.Solution}");
        output.WriteLine("  (VS Code: C# Dev Kit opens it from the Solution Explorer, or set dotnet.defaultSolution; Rider, Visual Studio: open it.)");
    }
}

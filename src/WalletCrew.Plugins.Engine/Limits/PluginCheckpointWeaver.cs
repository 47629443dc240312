using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>
/// Puts the same checkpoints into a plugin assembly's IL that scripts get in their source: <see cref="ConnectorCheckpoint.Enter"/>
/// at every method entry and <see cref="ConnectorCheckpoint.Tick"/> before every backward branch, so a plugin's tight loop
/// or runaway recursion ends at the invocation's wall-time limit instead of keeping a thread forever.
/// </summary>
/// <remarks>
/// The calls take no arguments and return nothing, so the evaluation stack and every branch target stay as they were;
/// branches are re-encoded after insertion (short forms widened where needed). Line information is kept when the
/// assembly has a portable PDB beside it or embedded.
/// </remarks>
internal static class PluginCheckpointWeaver
{
    private const string CheckpointNamespace = "WalletCrew.Plugins";
    private const string CheckpointType = "ConnectorCheckpoint";

    /// <summary>Weaves <paramref name="source"/> into <paramref name="target"/> (and its PDB next to it); false when the file is not a managed assembly.</summary>
    public static bool TryWeave(string source, string target)
    {
        AssemblyDefinition assembly;
        try
        {
            assembly = AssemblyDefinition.ReadAssembly(source, new ReaderParameters
            {
                InMemory = true,
                ReadSymbols = File.Exists(Path.ChangeExtension(source, ".pdb")) || HasEmbeddedPdb(source),
                SymbolReaderProvider = new DefaultSymbolReaderProvider(throwIfNoSymbol: false),
            });
        }
        catch (BadImageFormatException)
        {
            // Not a managed assembly (a native library, a resource): copied as it is.
            return false;
        }

        using (assembly)
        {
            foreach (var module in assembly.Modules)
            {
                var (enter, tick) = CheckpointMethods(module);
                // A method without IL (RVA 0) stays without: the policy refuses it by what it is, not by a body the weaver made up.
                foreach (var method in module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody && m.RVA != 0))
                {
                    Weave(method.Body, enter, tick);
                }
            }

            assembly.Write(target, new WriterParameters { WriteSymbols = assembly.MainModule.HasSymbols });
        }

        return true;
    }

    private static void Weave(MethodBody body, MethodReference enter, MethodReference tick)
    {
        body.SimplifyMacros();
        var il = body.GetILProcessor();
        var backEdges = body.Instructions.Where(IsBackwardBranch).ToList();
        foreach (var branch in backEdges)
        {
            il.InsertBefore(branch, il.Create(OpCodes.Call, tick));
        }

        il.InsertBefore(body.Instructions[0], il.Create(OpCodes.Call, enter));
        body.OptimizeMacros();
    }

    // Offsets are those read from the file, so they order the original instructions; inserted ones are never branches.
    private static bool IsBackwardBranch(Instruction instruction) => instruction.Operand switch
    {
        Instruction target when instruction.OpCode.FlowControl is FlowControl.Branch or FlowControl.Cond_Branch => target.Offset <= instruction.Offset,
        Instruction[] targets => targets.Any(t => t.Offset <= instruction.Offset),
        _ => false,
    };

    /// <summary>References <c>ConnectorCheckpoint.Enter/Tick</c> through the module's own reference to the abstractions (added when missing).</summary>
    private static (MethodReference Enter, MethodReference Tick) CheckpointMethods(ModuleDefinition module)
    {
        var abstractions = typeof(ConnectorCheckpoint).Assembly.GetName();
        var scope = module.AssemblyReferences.FirstOrDefault(r => r.Name == abstractions.Name);
        if (scope is null)
        {
            scope = new AssemblyNameReference(abstractions.Name, abstractions.Version) { PublicKeyToken = abstractions.GetPublicKeyToken() ?? [] };
            module.AssemblyReferences.Add(scope);
        }

        var type = new TypeReference(CheckpointNamespace, CheckpointType, module, scope);
        MethodReference Method(string name) => new(name, module.TypeSystem.Void, type) { HasThis = false };
        return (Method(nameof(ConnectorCheckpoint.Enter)), Method(nameof(ConnectorCheckpoint.Tick)));
    }

    private static bool HasEmbeddedPdb(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new System.Reflection.PortableExecutable.PEReader(stream);
        return reader.ReadDebugDirectory().Any(e => e.Type == System.Reflection.PortableExecutable.DebugDirectoryEntryType.EmbeddedPortablePdb);
    }
}

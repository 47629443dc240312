using System.Reflection.PortableExecutable;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>
/// Puts the checkpoints into a connector's compiled IL, scripts and plugins alike: <see cref="ConnectorCheckpoint.Enter"/>
/// at every method entry, <see cref="ConnectorCheckpoint.Tick"/> before every backward branch (in its place, so all that led to the branch, a branch to itself included, passes it) and at the start of every
/// <c>catch</c> block, so a tight loop ends at the invocation's wall-time limit and runaway recursion
/// ends with a named error before the stack runs out.
/// </summary>
/// <remarks>
/// The calls take no arguments and return nothing, so the evaluation stack and every branch target stay as they were;
/// branches are re-encoded after insertion (short forms widened where needed). Line information is kept when the
/// assembly has a portable PDB beside it or embedded. A method whose frame could be pushed past the stack margin the
/// checkpoints keep (<see cref="StackFrames"/>) is refused with <see cref="StackFrameTooLargeException"/>.
/// </remarks>
internal static class CheckpointWeaver
{
    private const string CheckpointNamespace = "WalletCrew.Plugins";
    private const string CheckpointType = "ConnectorCheckpoint";

    /// <summary>Weaves <paramref name="source"/> into <paramref name="target"/> (and its PDB next to it); false when the file is not a managed assembly.</summary>
    public static bool TryWeave(string source, string target)
    {
        using var resolver = Resolver(Path.GetDirectoryName(Path.GetFullPath(source)));
        AssemblyDefinition assembly;
        try
        {
            assembly = AssemblyDefinition.ReadAssembly(source, new ReaderParameters
            {
                InMemory = true,
                ReadSymbols = File.Exists(Path.ChangeExtension(source, ".pdb")) || HasEmbeddedPdb(File.ReadAllBytes(source)),
                SymbolReaderProvider = new DefaultSymbolReaderProvider(throwIfNoSymbol: false),
                AssemblyResolver = resolver,
            });
        }
        catch (BadImageFormatException)
        {
            // Not a managed assembly (a native library, a resource): copied as it is.
            return false;
        }

        using (assembly)
        {
            Weave(assembly);
            assembly.Write(target, new WriterParameters { WriteSymbols = assembly.MainModule.HasSymbols });
        }

        return true;
    }

    /// <summary>Weaves an assembly image (a compiled script); its embedded portable PDB, with the embedded source, goes in and comes out, so stack traces keep the user's lines.</summary>
    public static byte[] Weave(byte[] image)
    {
        var withSymbols = HasEmbeddedPdb(image);
        using var resolver = Resolver(null);
        using var assembly = AssemblyDefinition.ReadAssembly(new MemoryStream(image, writable: false), new ReaderParameters
        {
            ReadSymbols = withSymbols,
            SymbolReaderProvider = withSymbols ? new EmbeddedPortablePdbReaderProvider() : null,
            AssemblyResolver = resolver,
        });
        Weave(assembly);

        using var woven = new MemoryStream();
        assembly.Write(woven, new WriterParameters
        {
            WriteSymbols = withSymbols,
            SymbolWriterProvider = withSymbols ? new EmbeddedPdbWriterProvider() : null,
            DeterministicMvid = true,
        });
        return woven.ToArray();
    }

    private static void Weave(AssemblyDefinition assembly)
    {
        foreach (var module in assembly.Modules)
        {
            // The checkpoints are the engine's alone: code that calls them itself could reset the LINQ depth it records, or
            // record one on an object every tenant shares (an interned string, Array.Empty). Scripts are refused by the policy.
            if (module.GetMemberReferences().FirstOrDefault(m => m.DeclaringType is { Namespace: CheckpointNamespace, Name: CheckpointType }) is { } own)
            {
                throw new InvalidOperationException($"it calls {CheckpointNamespace}.{CheckpointType}.{own.Name} itself, which only the engine's weaving may");
            }

            var frames = new StackFrames();
            frames.CheckValueTypes(module);
            var (enter, tick) = CheckpointMethods(module);
            var guards = new FrameworkGuards(module, CheckpointTypeIn(module));
            // A method without IL (RVA 0) stays without: the policy refuses it by what it is, not by a body the weaver made up.
            foreach (var method in module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody && m.RVA != 0).ToList())
            {
                frames.CheckFrame(method);
                guards.Guard(method);
                Weave(method, enter, tick);
            }
        }
    }

    private static void Weave(MethodDefinition method, MethodReference enter, MethodReference tick)
    {
        var body = method.Body;
        body.SimplifyMacros();
        var il = body.GetILProcessor();
        var backEdges = body.Instructions.Where(IsBackwardBranch).ToList();
        foreach (var branch in backEdges)
        {
            // The checkpoint takes the branch's place (its instruction becomes the call, the branch follows it), so whatever
            // led to the branch now leads through the checkpoint: the branch itself when it jumps to itself (the empty loop
            // `while (true) { }` is one `br` to its own offset), other jumps and `leave`s to it, regions that start or end there.
            var moved = branch.Operand is Instruction[] targets ? il.Create(branch.OpCode, targets) : il.Create(branch.OpCode, (Instruction)branch.Operand);
            branch.OpCode = OpCodes.Call;
            branch.Operand = tick;
            il.InsertAfter(branch, moved);
            KeepLine(method, branch, moved);
        }

        // An async method's state machine catches everything its body throws and faults its task with it (`SetException`):
        // that catch gets no checkpoint, and the entry check goes inside its try, so a checkpoint's error faults the task
        // instead of escaping a continuation on a pool thread, which would end the process.
        var faultsTask = IsAsyncStateMachine(method)
            ? body.ExceptionHandlers.Where(h => h.HandlerType == ExceptionHandlerType.Catch && FaultsTheTask(h)).ToList()
            : [];

        // A checkpoint where a catch starts: code that catches the checkpoint's own error cannot go on working. Not in a
        // finally: it releases locks and disposes (the compiler's `lock`, `using`, `foreach`), and a loop in it has its own.
        foreach (var handler in body.ExceptionHandlers.Where(h => h.HandlerType == ExceptionHandlerType.Catch).Except(faultsTask).ToList())
        {
            var start = handler.HandlerStart;
            var check = il.Create(OpCodes.Call, tick);
            il.InsertBefore(start, check);

            // The new instruction opens the handler: regions that ended where the handler began end before it now.
            foreach (var other in body.ExceptionHandlers)
            {
                other.TryEnd = other.TryEnd == start ? check : other.TryEnd;
                other.HandlerEnd = other.HandlerEnd == start ? check : other.HandlerEnd;
            }

            handler.HandlerStart = check;
        }

        var entry = il.Create(OpCodes.Call, enter);
        if (faultsTask.MinBy(h => h.TryStart.Offset) is { } outer)
        {
            var start = outer.TryStart;
            il.InsertBefore(start, entry);
            outer.TryStart = entry;
            foreach (var branch in body.Instructions)
            {
                if (branch.Operand == start)
                {
                    branch.Operand = entry;
                }
                else if (branch.Operand is Instruction[] targets)
                {
                    branch.Operand = Array.ConvertAll(targets, t => t == start ? entry : t);
                }
            }
        }
        else
        {
            var first = body.Instructions[0];
            il.InsertBefore(first, entry); // before any try block the method opens with, which still starts at `first`

            // The entry check names the method's first line, so a stack error points into the method that recursed.
            var points = method.DebugInformation.SequencePoints;
            if (points.Count > 0 && points[0].Offset == 0 && !points[0].IsHidden)
            {
                var point = points[0];
                points.Insert(0, new SequencePoint(entry, point.Document)
                {
                    StartLine = point.StartLine,
                    StartColumn = point.StartColumn,
                    EndLine = point.EndLine,
                    EndColumn = point.EndColumn,
                });
            }
        }

        body.OptimizeMacros();
    }

    // The branch's line goes with the branch; the checkpoint, with none of its own, reports the line of the loop's body, as before.
    private static void KeepLine(MethodDefinition method, Instruction checkpoint, Instruction branch)
    {
        var points = method.DebugInformation.SequencePoints;
        var index = points.ToList().FindIndex(p => p.Offset == checkpoint.Offset);
        if (index < 0)
        {
            return;
        }

        var point = points[index];
        points[index] = new SequencePoint(branch, point.Document)
        {
            StartLine = point.StartLine,
            StartColumn = point.StartColumn,
            EndLine = point.EndLine,
            EndColumn = point.EndColumn,
        };
    }

    // The compiler's catch is in the MoveNext of an async method's (or async iterator's) state machine, and calls its builder's
    // SetException. Any other catch is the author's, even one that calls TaskCompletionSource.SetException: taken for the
    // compiler's, it lost its checkpoint and moved the method's entry check into its try, so a recursion through it ran
    // without a stack check until the process overflowed its stack.
    private static bool IsAsyncStateMachine(MethodDefinition method) =>
        method.Name == "MoveNext" && method.DeclaringType.Interfaces.Any(i => i.InterfaceType.FullName == "System.Runtime.CompilerServices.IAsyncStateMachine");

    private static bool FaultsTheTask(ExceptionHandler handler)
    {
        for (var i = handler.HandlerStart; i is not null && i != handler.HandlerEnd; i = i.Next)
        {
            if (i.Operand is MethodReference { Name: "SetException" } call && IsAsyncBuilder(call.DeclaringType.GetElementType()))
            {
                return true;
            }
        }

        return false;
    }

    // AsyncTaskMethodBuilder, AsyncValueTaskMethodBuilder, AsyncVoidMethodBuilder, their generic and pooling forms, and the
    // ManualResetValueTaskSourceCore an async iterator completes.
    private static bool IsAsyncBuilder(TypeReference type) => type.Namespace switch
    {
        "System.Runtime.CompilerServices" => type.Name.Contains("MethodBuilder", StringComparison.Ordinal),
        "System.Threading.Tasks.Sources" => type.Name.StartsWith("ManualResetValueTaskSourceCore", StringComparison.Ordinal),
        _ => false,
    };

    // Offsets are those read from the file, so they order the original instructions; inserted ones are never branches.
    private static bool IsBackwardBranch(Instruction instruction) => instruction.Operand switch
    {
        Instruction target when instruction.OpCode.FlowControl is FlowControl.Branch or FlowControl.Cond_Branch => target.Offset <= instruction.Offset,
        Instruction[] targets => targets.Any(t => t.Offset <= instruction.Offset),
        _ => false,
    };

    /// <summary>References <c>ConnectorCheckpoint.Enter/Tick</c>.</summary>
    private static (MethodReference Enter, MethodReference Tick) CheckpointMethods(ModuleDefinition module)
    {
        var type = CheckpointTypeIn(module);
        MethodReference Method(string name) => new(name, module.TypeSystem.Void, type) { HasThis = false };
        return (Method(nameof(ConnectorCheckpoint.Enter)), Method(nameof(ConnectorCheckpoint.Tick)));
    }

    /// <summary>References <c>ConnectorCheckpoint</c> through the module's own reference to the abstractions (added when missing).</summary>
    private static TypeReference CheckpointTypeIn(ModuleDefinition module)
    {
        var abstractions = typeof(ConnectorCheckpoint).Assembly.GetName();
        var scope = module.AssemblyReferences.FirstOrDefault(r => r.Name == abstractions.Name);
        if (scope is null)
        {
            scope = new AssemblyNameReference(abstractions.Name, abstractions.Version) { PublicKeyToken = abstractions.GetPublicKeyToken() ?? [] };
            module.AssemblyReferences.Add(scope);
        }

        return new TypeReference(CheckpointNamespace, CheckpointType, module, scope);
    }

    /// <summary>Resolves the framework from the running runtime and a plugin's own assemblies from its folder, to measure value types.</summary>
    private static DefaultAssemblyResolver Resolver(string? folder)
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        if (folder is not null)
        {
            resolver.AddSearchDirectory(folder);
        }

        return resolver;
    }

    private static bool HasEmbeddedPdb(byte[] image)
    {
        try
        {
            using var reader = new PEReader(new MemoryStream(image, writable: false));
            return reader.ReadDebugDirectory().Any(e => e.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    /// <summary>Cecil's embedded-PDB writer, for an image written to a stream (it asks for a file name it does not use).</summary>
    private sealed class EmbeddedPdbWriterProvider : ISymbolWriterProvider
    {
        private readonly EmbeddedPortablePdbWriterProvider _inner = new();

        public ISymbolWriter GetSymbolWriter(ModuleDefinition module, string fileName) =>
            _inner.GetSymbolWriter(module, string.IsNullOrEmpty(fileName) ? module.Name : fileName);

        public ISymbolWriter GetSymbolWriter(ModuleDefinition module, Stream symbolStream) => _inner.GetSymbolWriter(module, symbolStream);
    }
}

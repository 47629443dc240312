using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>
/// The API policy for a plugin assembly, on its metadata before it is loaded: every type and member it references from
/// outside itself (through type forwarders, and as named in attribute arguments) must be on the same allow-list as scripts
/// (plus the compiler's plumbing), and it may not declare P/Invoke methods, a module initializer, finalizers or the
/// attributes <see cref="PluginAttributes"/> refuses. Unsafe code is found in the IL (<see cref="PluginUnsafeCode"/>).
/// </summary>
/// <remarks>
/// Rules match by namespace, type and member name, as for scripts. Metadata cannot tell <c>await</c> from an explicit
/// <c>GetAwaiter().GetResult()</c>, so members the script policy allows only implicitly are allowed here.
/// </remarks>
internal static class PluginMetadataPolicy
{
    private static readonly string[] AccessorPrefixes = ["get_", "set_", "add_", "remove_"];

    /// <summary>Returns each violation as (the forbidden symbol, why), in metadata order, each symbol once.</summary>
    /// <param name="reader">The assembly's metadata.</param>
    /// <param name="allowList">The connectors' allow-list.</param>
    /// <param name="hostAssemblyOf">
    /// Given a referenced assembly, a namespace and a type name, the host assembly the reference ends up in after type
    /// forwarders, or <see langword="null"/> when one of the plugin's own assemblies defines the type.
    /// </param>
    public static IReadOnlyList<(string Symbol, string Reason)> Check(MetadataReader reader, AllowList allowList, Func<string, string, string, string?> hostAssemblyOf)
    {
        var violations = new List<(string, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string symbol, string reason)
        {
            if (seen.Add(symbol))
            {
                violations.Add((symbol, reason));
            }
        }

        foreach (var handle in reader.TypeReferences)
        {
            if (Describe(reader, handle, hostAssemblyOf) is not { } type)
            {
                continue;
            }

            if (!IsTypeAllowed(allowList, type.Namespace, type.Names))
            {
                Add(type.FullName, DenialReasons.For(type.FullName).Reason);
            }
            else if (PlatformSurface.TypeProblem(type.Assembly, type.Namespace, type.Names) is { } problem)
            {
                Add(type.FullName, problem);
            }
        }

        foreach (var (symbol, reason) in Forwarders(reader, allowList, hostAssemblyOf))
        {
            Add(symbol, reason);
        }

        foreach (var handle in reader.MemberReferences)
        {
            var member = reader.GetMemberReference(handle);
            if (ParentType(reader, member.Parent) is not { } parent || Describe(reader, parent, hostAssemblyOf) is not { } type)
            {
                continue;
            }

            var name = reader.GetString(member.Name);
            var symbol = $"{type.FullName}.{name}";
            if (!IsMemberAllowed(allowList, type.Namespace, type.Names, name))
            {
                Add(symbol, DenialReasons.For(symbol).Reason);
            }
            else if (PlatformSurface.MemberProblem(type.Assembly, type.Namespace, type.Names, name) is { } problem)
            {
                Add(symbol, problem);
            }
        }

        foreach (var handle in reader.MethodDefinitions)
        {
            var method = reader.GetMethodDefinition(handle);
            var declaring = reader.GetTypeDefinition(method.GetDeclaringType());
            var symbol = $"{FullName(reader, declaring)}.{reader.GetString(method.Name)}";
            if ((method.Attributes & MethodAttributes.PinvokeImpl) != 0 || !method.GetImport().Module.IsNil)
            {
                Add(symbol, "native code (P/Invoke) cannot be checked");
            }
            else if (reader.GetString(declaring.Name) == "<Module>" && reader.GetString(method.Name) == ".cctor")
            {
                Add("module initializer", "it runs when the plugin loads, before any limit applies");
            }
            else if (reader.GetString(method.Name) == "Finalize" && (method.Attributes & MethodAttributes.Virtual) != 0 && method.GetParameters().Count == 0)
            {
                Add(symbol, "a finalizer runs on the runtime's shared finalizer thread, outside any limit");
            }
        }

        PluginAttributes.Check(reader, allowList, hostAssemblyOf, Add);
        PluginConstruction.Check(reader, allowList, hostAssemblyOf, Add);

        return violations;
    }

    internal static bool IsTypeAllowed(AllowList allowList, string ns, IReadOnlyList<string> names) =>
        allowList.Find(ns, names) is not null || MetadataPlumbing.List.Find(ns, names) is not null;

    private static bool IsMemberAllowed(AllowList allowList, string ns, IReadOnlyList<string> names, string member)
    {
        var prefix = AccessorPrefixes.FirstOrDefault(p => member.StartsWith(p, StringComparison.Ordinal));
        IReadOnlyList<string> candidates = prefix is null ? [member] : [member, member[prefix.Length..]];
        return allowList.Find(ns, names)?.Allows(candidates, implicitUse: true) == true
            || MetadataPlumbing.List.Find(ns, names)?.Allows(candidates, implicitUse: true) == true;
    }

    private static EntityHandle? ParentType(MetadataReader reader, EntityHandle parent)
    {
        if (parent.Kind == HandleKind.TypeReference)
        {
            return parent;
        }

        if (parent.Kind != HandleKind.TypeSpecification)
        {
            return null; // a member of the plugin's own types, or a vararg call site
        }

        // A generic instantiation (List<int>): GENERICINST (CLASS | VALUETYPE) TypeDefOrRef ...
        var blob = reader.GetBlobReader(reader.GetTypeSpecification((TypeSpecificationHandle)parent).Signature);
        if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance)
        {
            return null;
        }

        blob.ReadSignatureTypeCode();
        var generic = blob.ReadTypeHandle();
        return generic.Kind == HandleKind.TypeReference ? generic : null;
    }

    /// <summary>Names a referenced type and its host assembly, or returns <see langword="null"/> when it lives in one of the plugin's own assemblies (checked in its own file).</summary>
    private static (string Assembly, string Namespace, IReadOnlyList<string> Names, string FullName)? Describe(
        MetadataReader reader, EntityHandle handle, Func<string, string, string, string?> hostAssemblyOf)
    {
        var names = new List<string>();
        var reference = reader.GetTypeReference((TypeReferenceHandle)handle);
        while (true)
        {
            names.Insert(0, StripArity(reader.GetString(reference.Name)));
            if (reference.ResolutionScope.Kind != HandleKind.TypeReference)
            {
                break;
            }

            reference = reader.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope);
        }

        // A nil scope means "look in this assembly's exported types", which may forward it anywhere.
        var scope = reference.ResolutionScope;
        var referenced = scope.Kind switch
        {
            HandleKind.AssemblyReference => reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name),
            _ when scope.IsNil => reader.GetString(reader.GetAssemblyDefinition().Name),
            _ => null, // the assembly's own module (a multi-module assembly is refused before this)
        };
        var ns = reader.GetString(reference.Namespace);
        if (referenced is null || hostAssemblyOf(referenced, ns, reader.GetString(reference.Name)) is not { } host)
        {
            return null;
        }

        return (host, ns, names, (ns.Length == 0 ? "" : ns + ".") + string.Join(".", names));
    }

    /// <summary>Judges each type the assembly forwards to the host as if it referenced it: a forwarder is a reference under another name.</summary>
    private static IEnumerable<(string Symbol, string Reason)> Forwarders(MetadataReader reader, AllowList allowList, Func<string, string, string, string?> hostAssemblyOf)
    {
        foreach (var exported in reader.ExportedTypes.Select(reader.GetExportedType))
        {
            if (!exported.IsForwarder || exported.Implementation.Kind != HandleKind.AssemblyReference)
            {
                continue; // nested forwarders follow their containing type
            }

            var target = reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)exported.Implementation).Name);
            var ns = reader.GetString(exported.Namespace);
            var name = reader.GetString(exported.Name);
            if (hostAssemblyOf(target, ns, name) is { } host)
            {
                var fullName = (ns.Length == 0 ? "" : ns + ".") + StripArity(name);
                if (!IsTypeAllowed(allowList, ns, [StripArity(name)]))
                {
                    yield return (fullName, DenialReasons.For(fullName).Reason);
                }
                else if (PlatformSurface.TypeProblem(host, ns, [StripArity(name)]) is { } problem)
                {
                    yield return (fullName, problem);
                }
            }
        }
    }

    private static string FullName(MetadataReader reader, TypeDefinition type)
    {
        var name = StripArity(reader.GetString(type.Name));
        if (type.GetDeclaringType() is { IsNil: false } declaring)
        {
            return FullName(reader, reader.GetTypeDefinition(declaring)) + "." + name;
        }

        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static string StripArity(string name)
    {
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}

using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>
/// The API policy for a plugin assembly, on its metadata before it is loaded: every type and member it references from
/// outside itself must be on the same allow-list as scripts (plus the compiler's plumbing), and it may not declare
/// P/Invoke methods, unverifiable (unsafe) code, a module initializer or finalizers.
/// </summary>
/// <remarks>
/// Rules match by namespace, type and member name, as for scripts. Metadata cannot tell <c>await</c> from an explicit
/// <c>GetAwaiter().GetResult()</c>, so members the script policy allows only implicitly are allowed here.
/// </remarks>
internal static class PluginMetadataPolicy
{
    private static readonly string[] AccessorPrefixes = ["get_", "set_", "add_", "remove_"];

    /// <summary>Returns each violation as (the forbidden symbol, why), in metadata order, each symbol once.</summary>
    public static IReadOnlyList<(string Symbol, string Reason)> Check(MetadataReader reader, AllowList allowList, Func<string, bool> isPrivateAssembly)
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
            if (Describe(reader, handle, isPrivateAssembly) is { } type && !IsTypeAllowed(allowList, type.Namespace, type.Names))
            {
                Add(type.FullName, DenialReasons.For(type.FullName).Reason);
            }
        }

        foreach (var handle in reader.MemberReferences)
        {
            var member = reader.GetMemberReference(handle);
            if (ParentType(reader, member.Parent) is not { } parent || Describe(reader, parent, isPrivateAssembly) is not { } type)
            {
                continue;
            }

            var name = reader.GetString(member.Name);
            if (!IsMemberAllowed(allowList, type.Namespace, type.Names, name))
            {
                var symbol = $"{type.FullName}.{name}";
                Add(symbol, DenialReasons.For(symbol).Reason);
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

        foreach (var attribute in reader.GetModuleDefinition().GetCustomAttributes().Select(reader.GetCustomAttribute))
        {
            if (AttributeTypeName(reader, attribute) == "System.Security.UnverifiableCodeAttribute")
            {
                Add("unsafe code", "unsafe code and pointers can corrupt memory or crash the host");
            }
        }

        return violations;
    }

    private static bool IsTypeAllowed(AllowList allowList, string ns, IReadOnlyList<string> names) =>
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

    /// <summary>Names a referenced type, or returns <see langword="null"/> when it lives in one of the plugin's own dependencies (checked in its own file).</summary>
    private static (string Namespace, IReadOnlyList<string> Names, string FullName)? Describe(MetadataReader reader, EntityHandle handle, Func<string, bool> isPrivateAssembly)
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

        var scope = reference.ResolutionScope;
        if (scope.Kind == HandleKind.AssemblyReference
            && isPrivateAssembly(reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name)))
        {
            return null;
        }

        var ns = reader.GetString(reference.Namespace);
        return (ns, names, (ns.Length == 0 ? "" : ns + ".") + string.Join(".", names));
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

    private static string? AttributeTypeName(MetadataReader reader, CustomAttribute attribute)
    {
        var constructor = attribute.Constructor;
        if (constructor.Kind != HandleKind.MemberReference)
        {
            return null;
        }

        var parent = reader.GetMemberReference((MemberReferenceHandle)constructor).Parent;
        if (parent.Kind != HandleKind.TypeReference)
        {
            return null;
        }

        var type = reader.GetTypeReference((TypeReferenceHandle)parent);
        return reader.GetString(type.Namespace) + "." + reader.GetString(type.Name);
    }

    private static string StripArity(string name)
    {
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}

using System.Reflection.Metadata;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>
/// The attributes of a plugin assembly: those that switch off a runtime check are refused (<see cref="RefusedAttributes"/>),
/// and the types their arguments name are judged like references (<see cref="AttributeTypeArguments"/>).
/// </summary>
internal static class PluginAttributes
{
    public static void Check(MetadataReader reader, AllowList allowList, Func<string, string, string, string?> hostAssemblyOf, Action<string, string> add)
    {
        foreach (var attribute in reader.CustomAttributes.Select(reader.GetCustomAttribute))
        {
            var attributeType = AttributeTypeName(reader, attribute);
            if (attributeType is not null && RefusedAttributes.Why(attributeType) is { } why)
            {
                add(why.Symbol, why.Reason);
            }

            if (AttributeTypeArguments.Read(reader, attribute) is not { } named)
            {
                add($"[{attributeType}]", "its arguments could not be read, so the types they name could not be checked");
                continue;
            }

            foreach (var (ns, raw, names, assembly) in named.SelectMany(AttributeTypeArguments.Parse))
            {
                // Without an assembly, the runtime looks in the attribute's own assembly, then in the framework's core.
                var scope = assembly ?? (Defines(reader, ns, raw) ? null : "System.Private.CoreLib");
                if (scope is null || hostAssemblyOf(scope, ns, raw) is not { } host)
                {
                    continue;
                }

                var fullName = (ns.Length == 0 ? "" : ns + ".") + string.Join(".", names);
                if (!PluginMetadataPolicy.IsTypeAllowed(allowList, ns, names))
                {
                    add(fullName, DenialReasons.For(fullName).Reason);
                }
                else if (PlatformSurface.TypeProblem(host, ns, names) is { } problem)
                {
                    add(fullName, problem);
                }
            }
        }
    }

    private static bool Defines(MetadataReader reader, string ns, string name) => reader.TypeDefinitions
        .Select(reader.GetTypeDefinition)
        .Any(t => t.GetDeclaringType().IsNil && reader.StringComparer.Equals(t.Namespace, ns) && reader.StringComparer.Equals(t.Name, name));

    /// <summary>The attribute's type as namespace.name, whether the plugin references it or declares its own copy (the runtime matches by name).</summary>
    private static string? AttributeTypeName(MetadataReader reader, CustomAttribute attribute)
    {
        var constructor = attribute.Constructor;
        var parent = constructor.Kind switch
        {
            HandleKind.MemberReference => reader.GetMemberReference((MemberReferenceHandle)constructor).Parent,
            HandleKind.MethodDefinition => reader.GetMethodDefinition((MethodDefinitionHandle)constructor).GetDeclaringType(),
            _ => default,
        };
        return parent.Kind switch
        {
            HandleKind.TypeReference => Join(reader.GetTypeReference((TypeReferenceHandle)parent) is var r ? (r.Namespace, r.Name) : default),
            HandleKind.TypeDefinition => Join(reader.GetTypeDefinition((TypeDefinitionHandle)parent) is var d ? (d.Namespace, d.Name) : default),
            _ => null,
        };

        string Join((StringHandle Namespace, StringHandle Name) type) => reader.GetString(type.Namespace) + "." + reader.GetString(type.Name);
    }
}

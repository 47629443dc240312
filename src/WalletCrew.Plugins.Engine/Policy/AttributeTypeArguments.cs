using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>
/// Reads the <c>typeof(T)</c> arguments of an assembly's attributes. They are stored as type names, not references, so
/// the reference checks never see them, yet code that reads attributes (<c>[JsonConverter]</c>, <c>[JsonDerivedType]</c>
/// read by System.Text.Json) creates those types: each one is judged like a reference.
/// </summary>
internal sealed class AttributeTypeArguments : ICustomAttributeTypeProvider<string>
{
    private const string SystemType = "System.Type";

    private readonly MetadataReader _reader;
    private readonly List<string> _names = [];

    private AttributeTypeArguments(MetadataReader reader) => _reader = reader;

    /// <summary>Returns the serialized type names in <paramref name="attribute"/>'s arguments; null when the blob cannot be read.</summary>
    public static IReadOnlyList<string>? Read(MetadataReader reader, CustomAttribute attribute)
    {
        var provider = new AttributeTypeArguments(reader);
        try
        {
            attribute.DecodeValue(provider);
            return provider._names;
        }
        catch (Exception exception) when (exception is BadImageFormatException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Splits a serialized name (<c>Ns.Outer+Inner`1[[Arg, Asm]][], Asm, Version=…</c>) into its outermost type's parts and assembly, then its type arguments'.</summary>
    public static IEnumerable<(string Namespace, string RawName, IReadOnlyList<string> Names, string? Assembly)> Parse(string serialized)
    {
        var depth = 0;
        var split = -1;
        for (var i = 0; i < serialized.Length && split < 0; i++)
        {
            depth += serialized[i] switch { '[' => 1, ']' => -1, _ => 0 };
            split = serialized[i] == ',' && depth == 0 ? i : -1;
        }

        var typePart = (split < 0 ? serialized : serialized[..split]).Trim();
        var assembly = split < 0 ? null : serialized[(split + 1)..].Split(',')[0].Trim();
        var bracket = typePart.IndexOf('[', StringComparison.Ordinal);
        var outer = (bracket < 0 ? typePart : typePart[..bracket]).TrimEnd('*', '&');
        var dot = outer.Split('+')[0].LastIndexOf('.');
        var ns = dot < 0 ? "" : outer[..dot];
        var raw = (dot < 0 ? outer : outer[(dot + 1)..]).Split('+');
        yield return (ns, raw[0], raw.Select(n => n.Split('`')[0]).ToList(), assembly);

        // Type arguments: [[Arg1, Asm],[Arg2, Asm]]
        if (bracket >= 0 && typePart.Length > bracket + 1 && typePart[bracket + 1] == '[')
        {
            var level = 0;
            var start = -1;
            for (var i = bracket; i < typePart.Length; i++)
            {
                if (typePart[i] == '[' && ++level == 2)
                {
                    start = i + 1;
                }
                else if (typePart[i] == ']' && level-- == 2)
                {
                    foreach (var argument in Parse(typePart[start..i]))
                    {
                        yield return argument;
                    }
                }
            }
        }
    }

    public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

    public string GetSystemType() => SystemType;

    public string GetSZArrayType(string elementType) => elementType + "[]";

    public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
    {
        var definition = reader.GetTypeDefinition(handle);
        return definition.GetDeclaringType() is { IsNil: false } declaring
            ? GetTypeFromDefinition(reader, declaring, rawTypeKind) + "+" + reader.GetString(definition.Name)
            : Join(reader.GetString(definition.Namespace), reader.GetString(definition.Name));
    }

    // As a runtime type name (Outer+Inner), with its assembly when known, so an enum's size can be read from the host's copy.
    public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
    {
        var reference = reader.GetTypeReference(handle);
        var name = reader.GetString(reference.Name);
        while (reference.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            reference = reader.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope);
            name = reader.GetString(reference.Name) + "+" + name;
        }

        name = Join(reader.GetString(reference.Namespace), name);
        return reference.ResolutionScope.Kind == HandleKind.AssemblyReference
            ? name + ", " + reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)reference.ResolutionScope).Name)
            : name;
    }

    public string GetTypeFromSerializedName(string name)
    {
        _names.Add(name);
        return name;
    }

    public PrimitiveTypeCode GetUnderlyingEnumType(string type) => EnumUnderlyingType(type);

    public bool IsSystemType(string type) => type == SystemType || type.StartsWith(SystemType + ",", StringComparison.Ordinal);

    // An enum argument's size: the assembly's own enums from their value__ field, others from the host's copy.
    private PrimitiveTypeCode EnumUnderlyingType(string type)
    {
        foreach (var handle in _reader.TypeDefinitions)
        {
            var definition = _reader.GetTypeDefinition(handle);
            if (GetTypeFromDefinition(_reader, handle, 0) == type
                && definition.GetFields().Select(_reader.GetFieldDefinition).FirstOrDefault(f => _reader.GetString(f.Name) == "value__") is { } field)
            {
                return field.DecodeSignature(new UnderlyingTypeProvider(), null);
            }
        }

        // Only the host is asked (the default context, and assemblies that cannot unload): never a plugin's files.
        var host = (type.Contains(',', StringComparison.Ordinal) ? Type.GetType(type, throwOnError: false) : null)
            ?? AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsCollectible)
                .Select(a => a.GetType(type.Split(',')[0].Trim(), throwOnError: false)).FirstOrDefault(t => t?.IsEnum == true);
        if (host is not { IsEnum: true })
        {
            throw new NotSupportedException($"The enum {type} is neither the assembly's nor the host's.");
        }

        return Type.GetTypeCode(Enum.GetUnderlyingType(host)) switch
        {
            TypeCode.Byte => PrimitiveTypeCode.Byte,
            TypeCode.SByte => PrimitiveTypeCode.SByte,
            TypeCode.Int16 => PrimitiveTypeCode.Int16,
            TypeCode.UInt16 => PrimitiveTypeCode.UInt16,
            TypeCode.UInt32 => PrimitiveTypeCode.UInt32,
            TypeCode.Int64 => PrimitiveTypeCode.Int64,
            TypeCode.UInt64 => PrimitiveTypeCode.UInt64,
            _ => PrimitiveTypeCode.Int32,
        };
    }

    private static string Join(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;

    private sealed class UnderlyingTypeProvider : ISignatureTypeProvider<PrimitiveTypeCode, object?>
    {
        public PrimitiveTypeCode GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode;

        public PrimitiveTypeCode GetArrayType(PrimitiveTypeCode elementType, ArrayShape shape) => throw new NotSupportedException();

        public PrimitiveTypeCode GetByReferenceType(PrimitiveTypeCode elementType) => throw new NotSupportedException();

        public PrimitiveTypeCode GetFunctionPointerType(MethodSignature<PrimitiveTypeCode> signature) => throw new NotSupportedException();

        public PrimitiveTypeCode GetGenericInstantiation(PrimitiveTypeCode genericType, ImmutableArray<PrimitiveTypeCode> typeArguments) => throw new NotSupportedException();

        public PrimitiveTypeCode GetGenericMethodParameter(object? genericContext, int index) => throw new NotSupportedException();

        public PrimitiveTypeCode GetGenericTypeParameter(object? genericContext, int index) => throw new NotSupportedException();

        public PrimitiveTypeCode GetModifiedType(PrimitiveTypeCode modifier, PrimitiveTypeCode unmodifiedType, bool isRequired) => unmodifiedType;

        public PrimitiveTypeCode GetPinnedType(PrimitiveTypeCode elementType) => throw new NotSupportedException();

        public PrimitiveTypeCode GetPointerType(PrimitiveTypeCode elementType) => throw new NotSupportedException();

        public PrimitiveTypeCode GetSZArrayType(PrimitiveTypeCode elementType) => throw new NotSupportedException();

        public PrimitiveTypeCode GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => throw new NotSupportedException();

        public PrimitiveTypeCode GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => throw new NotSupportedException();

        public PrimitiveTypeCode GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) => throw new NotSupportedException();
    }
}

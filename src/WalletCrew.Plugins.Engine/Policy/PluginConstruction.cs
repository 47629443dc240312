using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>
/// The plugin side of <see cref="ConstructionRule"/>: what a plugin passes to <c>JsonSerializer.Deserialize*</c>,
/// <c>Lazy&lt;T&gt;</c>, Refit's <c>ForGenerated</c> or one of its own <c>new()</c>-constrained generics must be a type it
/// could construct itself: a framework type whose constructors and setters are allowed, or its own type holding only such.
/// </summary>
/// <remarks>
/// Read from the metadata's generic instantiations (a plugin's <c>new T()</c> compiles to <c>Activator</c>, refused anyway).
/// A generic parameter passed on is accepted only when every method (or type) parameter at that position promises
/// <c>new()</c>, since a MethodSpec does not say which method uses it. Types from the plugin's other files are not walked.
/// </remarks>
internal static class PluginConstruction
{
    private static readonly HashSet<string> Leaves = new(StringComparer.Ordinal)
    {
        "System.Object", "System.String", "System.Uri", "System.Version", "System.DateTime", "System.DateTimeOffset", "System.TimeSpan",
        "System.Guid", "System.DateOnly", "System.TimeOnly", "System.Decimal", "System.Half", "System.Int128", "System.UInt128",
        "System.Text.Json.JsonElement", "System.Text.Json.JsonDocument", "System.Text.Json.Nodes.JsonNode",
        "System.Text.Json.Nodes.JsonObject", "System.Text.Json.Nodes.JsonArray", "System.Text.Json.Nodes.JsonValue",
        "System.ValueType", "System.Enum",
    };

    private static readonly HashSet<string> Wrappers = new(StringComparer.Ordinal)
    {
        "System.Threading.Tasks.Task", "System.Threading.Tasks.ValueTask", "System.IObservable", "Refit.ApiResponse", "Refit.IApiResponse",
    };

    /// <summary>Reports each type the plugin has constructed for it that it could not construct itself.</summary>
    public static void Check(MetadataReader reader, AllowList allowList, Func<string, string, string, string?> hostAssemblyOf, Action<string, string> add)
    {
        var provider = new ShapeProvider(reader, hostAssemblyOf);
        var walk = new Walk(reader, allowList, provider);
        for (var row = 1; row <= reader.GetTableRowCount(TableIndex.MethodSpec); row++)
        {
            var handle = MetadataTokens.MethodSpecificationHandle(row);
            var spec = reader.GetMethodSpecification(handle);
            var arguments = spec.DecodeSignature(provider, null);
            var constructs = Constructing(reader, spec.Method);
            for (var i = 0; i < arguments.Length; i++)
            {
                if (constructs(i) && walk.Problem(arguments[i], []) is { } problem)
                {
                    add(problem, "it would be constructed for the plugin (by a deserializer, Lazy or new()), and its constructor or setters are refused");
                }
            }
        }

        // typeof is not followed through a plugin's IL, so the members that construct whatever Type they are given are refused.
        foreach (var handle in reader.MemberReferences)
        {
            var member = reader.GetMemberReference(handle);
            if (member.GetKind() == MemberReferenceKind.Method && member.Parent.Kind == HandleKind.TypeReference
                && reader.GetTypeReference((TypeReferenceHandle)member.Parent) is var parent
                && $"{reader.GetString(parent.Namespace)}.{reader.GetString(parent.Name)}" is var owner
                && reader.GetString(member.Name) is var name
                && TypeTaking.Contains(owner + "." + name)
                && member.DecodeMethodSignature(provider, null).ParameterTypes.Any(p => p.FullName == "System.Type"))
            {
                add($"{owner}.{name}(…, System.Type, …)", "it constructs whatever type it is given, which a plugin's typeof cannot be checked for; use the generic overload");
            }
        }

        for (var row = 1; row <= reader.GetTableRowCount(TableIndex.TypeSpec); row++)
        {
            var handle = MetadataTokens.TypeSpecificationHandle(row);
            if (reader.GetTypeSpecification(handle).DecodeSignature(provider, null) is { Arguments.Count: > 0 } instance
                && (instance.FullName == "System.Lazy" || instance.Own is { } own && reader.GetTypeDefinition(own).GetGenericParameters().Any(p => NewConstrained(reader, p))))
            {
                var parameters = instance.Own is { } definition ? reader.GetTypeDefinition(definition).GetGenericParameters().ToList() : [];
                for (var i = 0; i < instance.Arguments.Count; i++)
                {
                    var constructed = instance.Own is null || (i < parameters.Count && NewConstrained(reader, parameters[i]));
                    if (constructed && walk.Problem(instance.Arguments[i], []) is { } problem)
                    {
                        add(problem, "it would be constructed for the plugin (by a deserializer, Lazy or new()), and its constructor or setters are refused");
                    }
                }
            }
        }
    }

    private static readonly HashSet<string> TypeTaking = new(StringComparer.Ordinal)
    {
        "System.Text.Json.JsonSerializer.Deserialize", "System.Text.Json.JsonSerializer.DeserializeAsync",
        "System.Text.Json.JsonSerializerOptions.GetTypeInfo", "System.Text.Json.JsonSerializerOptions.TryGetTypeInfo",
        "System.Text.Json.JsonSerializerOptions.GetConverter",
    };

    private static Func<int, bool> Constructing(MetadataReader reader, EntityHandle method)
    {
        if (method.Kind == HandleKind.MethodDefinition)
        {
            var parameters = reader.GetMethodDefinition((MethodDefinitionHandle)method).GetGenericParameters().ToList();
            return i => i < parameters.Count && NewConstrained(reader, parameters[i]);
        }

        if (method.Kind != HandleKind.MemberReference)
        {
            return _ => false;
        }

        var member = reader.GetMemberReference((MemberReferenceHandle)method);
        var name = reader.GetString(member.Name);
        var owner = member.Parent.Kind is HandleKind.TypeReference && reader.GetTypeReference((TypeReferenceHandle)member.Parent) is var parent
            ? reader.GetString(parent.Namespace) + "." + reader.GetString(parent.Name)
            : null;
        var constructs = (owner == "System.Text.Json.JsonSerializer" && name.StartsWith("Deserialize", StringComparison.Ordinal))
            || (owner == "Refit.RestService" && name == "ForGenerated");
        return _ => constructs;
    }

    private static bool NewConstrained(MetadataReader reader, GenericParameterHandle handle) =>
        (reader.GetGenericParameter(handle).Attributes & GenericParameterAttributes.DefaultConstructorConstraint) != 0;

    /// <summary>A type as a signature names it: a framework type, one of the plugin's, an array, a generic parameter or a primitive.</summary>
    private sealed record Shape(string? FullName, TypeDefinitionHandle? Own, IReadOnlyList<Shape> Arguments, int Parameter = -1, bool MethodParameter = false, bool Array = false)
    {
        public static Shape Leaf { get; } = new("System.Object", null, []);

        public string Namespace { get; init; } = "";

        public IReadOnlyList<string> Names { get; init; } = [];
    }

    private sealed class Walk(MetadataReader reader, AllowList allowList, ShapeProvider provider)
    {
        private readonly HashSet<string> _judged = new(StringComparer.Ordinal);

        // The symbol to name, or null when the type can be built from data.
        public string? Problem(Shape shape, IReadOnlyList<Shape> context)
        {
            if (shape.Parameter >= 0)
            {
                if (!shape.MethodParameter && shape.Parameter < context.Count)
                {
                    return Problem(context[shape.Parameter], []);
                }

                return EveryParameterPromisesNew(shape) ? null : $"generic parameter {(shape.MethodParameter ? "!!" : "!")}{shape.Parameter}";
            }

            if (shape.Array)
            {
                return Problem(shape.Arguments[0], context);
            }

            var arguments = shape.Arguments.Select(a => a.Parameter >= 0 && !a.MethodParameter && a.Parameter < context.Count ? context[a.Parameter] : a).ToList();
            foreach (var argument in arguments)
            {
                if (Problem(argument, []) is { } problem)
                {
                    return problem;
                }
            }

            return shape.Own is { } own ? Declared(own, arguments) : Framework(shape);
        }

        private bool EveryParameterPromisesNew(Shape shape) => shape.MethodParameter
            ? reader.MethodDefinitions.Select(reader.GetMethodDefinition).All(m => m.GetGenericParameters().Count <= shape.Parameter || NewConstrained(reader, m.GetGenericParameters()[shape.Parameter]))
            : reader.TypeDefinitions.Select(reader.GetTypeDefinition).All(t => t.GetGenericParameters().Count <= shape.Parameter || NewConstrained(reader, t.GetGenericParameters()[shape.Parameter]));

        private string? Declared(TypeDefinitionHandle handle, IReadOnlyList<Shape> arguments)
        {
            if (!_judged.Add($"{handle.GetHashCode()}:{string.Join(",", arguments.Select(a => a.FullName))}"))
            {
                return null;
            }

            var type = reader.GetTypeDefinition(handle);
            var held = new List<Shape>();
            held.AddRange(type.GetFields().Select(reader.GetFieldDefinition).Where(f => (f.Attributes & FieldAttributes.Static) == 0)
                .Select(f => f.DecodeSignature(provider, null)));
            if ((type.Attributes & TypeAttributes.Interface) != 0)
            {
                held.AddRange(type.GetMethods().Select(reader.GetMethodDefinition).Where(m => (m.Attributes & MethodAttributes.Static) == 0)
                    .SelectMany(m => Unwrapped(m.DecodeSignature(provider, null).ReturnType)));
            }

            if (!type.BaseType.IsNil)
            {
                held.Add(type.BaseType.Kind switch
                {
                    HandleKind.TypeDefinition => provider.GetTypeFromDefinition(reader, (TypeDefinitionHandle)type.BaseType, 0),
                    HandleKind.TypeReference => provider.GetTypeFromReference(reader, (TypeReferenceHandle)type.BaseType, 0),
                    _ => reader.GetTypeSpecification((TypeSpecificationHandle)type.BaseType).DecodeSignature(provider, null),
                });
            }

            return held.Select(h => Problem(h, arguments)).FirstOrDefault(p => p is not null);
        }

        private string? Framework(Shape shape)
        {
            if (shape.FullName is null || Leaves.Contains(shape.FullName))
            {
                return null;
            }

            var rule = allowList.Find(shape.Namespace, shape.Names);
            if (rule is null)
            {
                return shape.FullName;
            }

            return rule.Allows([".ctor"], implicitUse: true) ? null : shape.FullName + "..ctor";
        }

        private static IEnumerable<Shape> Unwrapped(Shape shape) => shape.FullName is { } name && Wrappers.Contains(name)
            ? shape.Arguments.SelectMany(Unwrapped)
            : [shape];
    }

    private sealed class ShapeProvider(MetadataReader reader, Func<string, string, string, string?> hostAssemblyOf) : ISignatureTypeProvider<Shape, object?>
    {
        public Shape GetArrayType(Shape elementType, ArrayShape shape) => new(null, null, [elementType], Array: true);

        public Shape GetByReferenceType(Shape elementType) => elementType;

        public Shape GetFunctionPointerType(MethodSignature<Shape> signature) => Shape.Leaf;

        public Shape GetGenericInstantiation(Shape genericType, ImmutableArray<Shape> typeArguments) => genericType with { Arguments = typeArguments };

        public Shape GetGenericMethodParameter(object? genericContext, int index) => new(null, null, [], index, MethodParameter: true);

        public Shape GetGenericTypeParameter(object? genericContext, int index) => new(null, null, [], index);

        public Shape GetModifiedType(Shape modifier, Shape unmodifiedType, bool isRequired) => unmodifiedType;

        public Shape GetPinnedType(Shape elementType) => elementType;

        public Shape GetPointerType(Shape elementType) => Shape.Leaf;

        public Shape GetPrimitiveType(PrimitiveTypeCode typeCode) => Shape.Leaf;

        public Shape GetSZArrayType(Shape elementType) => new(null, null, [elementType], Array: true);

        public Shape GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind) => new(null, handle, []);

        public Shape GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var reference = reader.GetTypeReference(handle);
            var names = new List<string> { StripArity(reader.GetString(reference.Name)) };
            while (reference.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                reference = reader.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope);
                names.Insert(0, StripArity(reader.GetString(reference.Name)));
            }

            var ns = reader.GetString(reference.Namespace);
            var assembly = reference.ResolutionScope.Kind == HandleKind.AssemblyReference
                ? reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)reference.ResolutionScope).Name)
                : reader.GetString(reader.GetAssemblyDefinition().Name);

            // A type of the plugin's other files: checked in its own file, not walked from here.
            return hostAssemblyOf(assembly, ns, reader.GetString(reference.Name)) is null
                ? Shape.Leaf
                : new((ns.Length == 0 ? "" : ns + ".") + string.Join(".", names), null, []) { Namespace = ns, Names = names };
        }

        public Shape GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        private static string StripArity(string name)
        {
            var tick = name.IndexOf('`', StringComparison.Ordinal);
            return tick < 0 ? name : name[..tick];
        }
    }
}

using System.Reflection;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>
/// Keeps a plugin to the platform's public surface: it may reference the abstractions' public and protected types and
/// members only, and nothing of the host's other WalletCrew assemblies, whatever the allow-list says about the namespace.
/// </summary>
/// <remarks>
/// The runtime would refuse an inaccessible member at its first call; checking here refuses the plugin before it loads,
/// and does not depend on the access checks that <c>[IgnoresAccessChecksTo]</c> and friends switch off (those are refused too).
/// </remarks>
internal static class PlatformSurface
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    private static readonly Assembly Abstractions = typeof(IPassUpdater).Assembly;

    // Keyed as the policy names types: dotted, without generic arity (Foo and Foo<T> share a key; either one decides).
    private static readonly Lazy<Dictionary<string, Type>> s_types = new(() => Abstractions.GetTypes()
        .GroupBy(StripArity, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.IsVisible).First(), StringComparer.Ordinal));

    /// <summary>Returns why a type may not be referenced, or <see langword="null"/> when it may.</summary>
    public static string? TypeProblem(string assembly, string ns, IReadOnlyList<string> names)
    {
        if (!assembly.StartsWith("WalletCrew.", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!string.Equals(assembly, Abstractions.GetName().Name, StringComparison.OrdinalIgnoreCase))
        {
            return $"the host's assembly {assembly} is not shared with plugins; only {Abstractions.GetName().Name} is";
        }

        return Find(ns, names) is { } type && (type.IsVisible || IsProtectedNested(type))
            ? null
            : "it is internal to the platform; plugins see only the public surface of the abstractions";
    }

    /// <summary>Returns why a member may not be referenced, or <see langword="null"/> when it may.</summary>
    public static string? MemberProblem(string assembly, string ns, IReadOnlyList<string> names, string member)
    {
        if (TypeProblem(assembly, ns, names) is { } problem)
        {
            return problem;
        }

        if (!string.Equals(assembly, Abstractions.GetName().Name, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var members = Find(ns, names)!.GetMember(member, MemberTypes.All, Everything | BindingFlags.FlattenHierarchy);
        return members.Any(IsReachable) ? null : "it is internal to the platform; plugins see only the public surface of the abstractions";
    }

    private static Type? Find(string ns, IReadOnlyList<string> names) =>
        s_types.Value.GetValueOrDefault((ns.Length == 0 ? "" : ns + ".") + string.Join(".", names));

    private static bool IsProtectedNested(Type type) => type.IsNestedFamily || type.IsNestedFamORAssem;

    private static bool IsReachable(MemberInfo member) => member switch
    {
        MethodBase method => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly,
        FieldInfo field => field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly,
        _ => false, // properties and events are referenced through their accessors
    };

    private static string StripArity(Type type)
    {
        var names = new List<string>();
        for (var current = type; current is not null; current = current.DeclaringType)
        {
            var tick = current.Name.IndexOf('`', StringComparison.Ordinal);
            names.Insert(0, tick < 0 ? current.Name : current.Name[..tick]);
        }

        return (string.IsNullOrEmpty(type.Namespace) ? "" : type.Namespace + ".") + string.Join(".", names);
    }
}

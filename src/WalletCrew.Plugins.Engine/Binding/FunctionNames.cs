using System.Reflection;

namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>Recovers the name a function has in source from its compiled method (local functions are mangled).</summary>
internal static class FunctionNames
{
    /// <summary>Returns the source name, or <see langword="null"/> for a lambda.</summary>
    public static string? Of(MethodInfo method)
    {
        var name = method.Name;
        var local = name.IndexOf(">g__", StringComparison.Ordinal);
        if (local >= 0)
        {
            var start = local + 4;
            var end = name.IndexOf('|', start);
            return end > start ? name[start..end] : name[start..];
        }

        return name.StartsWith('<') ? null : name;
    }
}

using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>Reads an object as name/value pairs: a string-keyed dictionary's entries, or an object's public properties.</summary>
/// <remarks>Caches are <see cref="ConditionalWeakTable{TKey,TValue}"/>s keyed by type: a tenant type from a collectible
/// context stays collectible (a static dictionary would pin its context).</remarks>
internal static class ObjectMembers
{
    private static readonly ConditionalWeakTable<Type, PropertyInfo[]> Properties = new();
    private static readonly ConditionalWeakTable<Type, PairShape> PairShapes = new();

    /// <summary>Returns whether <paramref name="value"/> is a map (string-keyed dictionary or sequence of key/value pairs).</summary>
    public static bool IsMap(object value) =>
        value is IEnumerable<KeyValuePair<string, object?>> or IEnumerable<KeyValuePair<string, string>> or IDictionary
        || (value is IEnumerable && ShapeOf(value.GetType()).ValueOfPair is not null);

    /// <summary>Returns the entries of a map, or else the public instance properties in declaration order.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> Enumerate(object value)
    {
        switch (value)
        {
            case IEnumerable<KeyValuePair<string, object?>> objects:
                return objects;
            case IEnumerable<KeyValuePair<string, string>> strings:
                return strings.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value));
            case IDictionary dictionary:
                return dictionary.Cast<DictionaryEntry>()
                    .Select(e => new KeyValuePair<string, object?>(Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "", e.Value));
        }

        if (value is IEnumerable sequence && ShapeOf(value.GetType()) is { KeyOfPair: { } key, ValueOfPair: { } val })
        {
            return sequence.Cast<object>().Select(p => new KeyValuePair<string, object?>((string)key.GetValue(p)!, val.GetValue(p)));
        }

        return PropertiesOf(value.GetType()).Select(p => new KeyValuePair<string, object?>(p.Name, p.GetValue(value)));
    }

    private static PropertyInfo[] PropertiesOf(Type type) =>
        Properties.GetValue(type, static t => [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetMethod!.IsPublic && p.GetIndexParameters().Length == 0)]);

    // A type implementing IEnumerable<KeyValuePair<string, T>> for some T other than string and object.
    private static PairShape ShapeOf(Type type) => PairShapes.GetValue(type, static t =>
    {
        var pair = t.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            .Select(i => i.GenericTypeArguments[0])
            .FirstOrDefault(a => a.IsGenericType && a.GetGenericTypeDefinition() == typeof(KeyValuePair<,>) && a.GenericTypeArguments[0] == typeof(string));
        return pair is null ? new PairShape(null, null) : new PairShape(pair.GetProperty("Key"), pair.GetProperty("Value"));
    });

    private sealed record PairShape(PropertyInfo? KeyOfPair, PropertyInfo? ValueOfPair);
}

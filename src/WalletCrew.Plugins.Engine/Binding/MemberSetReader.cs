using System.Reflection;

namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>Reads the functions of a member-set registration: a <see cref="Hooks"/> map, any string-to-delegate dictionary, or an object whose properties are delegates.</summary>
internal static class MemberSetReader
{
    public static (IReadOnlyList<KeyValuePair<string, Delegate>> Members, IReadOnlyList<BindError> Errors) Read(object implementation, string key)
    {
        switch (implementation)
        {
            case IEnumerable<KeyValuePair<string, Delegate>> map:
                return ([.. map], []);
            case System.Collections.IDictionary dictionary:
                return ReadDictionary(dictionary, key);
        }

        var members = new List<KeyValuePair<string, Delegate>>();
        var errors = new List<BindError>();
        foreach (var property in implementation.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            switch (property.GetValue(implementation))
            {
                case Delegate function:
                    members.Add(new(property.Name, function));
                    break;
                case null:
                    break;
                default:
                    errors.Add(NotAFunction(property.Name, property.PropertyType, key));
                    break;
            }
        }

        return (members, errors);
    }

    private static (IReadOnlyList<KeyValuePair<string, Delegate>>, IReadOnlyList<BindError>) ReadDictionary(System.Collections.IDictionary dictionary, string key)
    {
        var members = new List<KeyValuePair<string, Delegate>>();
        var errors = new List<BindError>();
        foreach (System.Collections.DictionaryEntry entry in dictionary)
        {
            var name = entry.Key.ToString() ?? "";
            if (entry.Value is Delegate function)
            {
                members.Add(new(name, function));
            }
            else
            {
                errors.Add(NotAFunction(name, entry.Value?.GetType() ?? typeof(object), key));
            }
        }

        return (members, errors);
    }

    private static BindError NotAFunction(string name, Type type, string key) =>
        new(BindingCodes.UnsupportedImplementation, $"Member '{name}' registered under '{key}' is {TypeNames.Of(type)}, not a function.", name);
}

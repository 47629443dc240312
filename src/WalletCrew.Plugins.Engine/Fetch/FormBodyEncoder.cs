using System.Collections;
using System.Text;

namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>Encodes an object or map as <c>application/x-www-form-urlencoded</c>: names as written, flat values, lists repeat the name.</summary>
internal static class FormBodyEncoder
{
    /// <exception cref="ArgumentException">A property holds a nested object.</exception>
    public static byte[] Encode(object body)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in ObjectMembers.Enumerate(body))
        {
            if (ScalarText.TryFormat(value, out var scalar))
            {
                Append(text, name, scalar);
            }
            else if (value is IEnumerable items && !ObjectMembers.IsMap(value))
            {
                foreach (var item in items)
                {
                    Append(text, name, ScalarText.TryFormat(item, out var itemText) ? itemText : throw FetchErrors.BodyNotFlat(name, item!));
                }
            }
            else
            {
                throw FetchErrors.BodyNotFlat(name, value!);
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Append(StringBuilder text, string name, string value)
    {
        if (text.Length > 0)
        {
            text.Append('&');
        }

        text.Append(Escape(name)).Append('=').Append(Escape(value));
    }

    // As HTML forms and FormUrlEncodedContent do: percent-encoding with '+' for spaces.
    private static string Escape(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);
}

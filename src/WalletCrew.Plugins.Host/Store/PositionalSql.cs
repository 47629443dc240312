using System.Collections.Concurrent;
using System.Text;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// A PostgreSQL statement with its <c>@name</c> placeholders rewritten once to positional ones (<c>$1</c>, <c>$2</c>…),
/// kept per statement text. Npgsql sends a command whose parameters have no names as it is; with named parameters it
/// parses the text and builds a rewritten copy at every execution (~5 KB of strings per event on the host's hot path).
/// Quoted strings, quoted names and comments are copied unchanged; a text with a <c>$</c> (dollar quoting, or positional
/// already) is left to Npgsql (<see cref="Names"/> is null).
/// </summary>
internal sealed class PositionalSql
{
    private static readonly ConcurrentDictionary<string, PositionalSql> s_cache = new(StringComparer.Ordinal);

    private PositionalSql(string text, string[]? names)
    {
        Text = text;
        Names = names;
    }

    /// <summary>Gets the statement's text, without a trailing semicolon.</summary>
    public string Text { get; }

    /// <summary>Gets the name of the parameter at each position (<c>$1</c> first), or null when the text keeps its <c>@</c> names.</summary>
    public IReadOnlyList<string>? Names { get; }

    /// <summary>Returns <paramref name="sql"/> rewritten (once per text).</summary>
    public static PositionalSql Of(string sql) => s_cache.GetOrAdd(sql, Rewrite);

    private static PositionalSql Rewrite(string sql)
    {
        var trimmed = sql.TrimEnd().TrimEnd(';');
        if (trimmed.Contains('$', StringComparison.Ordinal))
        {
            return new PositionalSql(trimmed, null);
        }

        var text = new StringBuilder(trimmed.Length);
        var names = new List<string>();
        for (var i = 0; i < trimmed.Length;)
        {
            var c = trimmed[i];
            if (c is '\'' or '"')
            {
                // A doubled quote inside closes and reopens: copying up to each closing quote handles it.
                var end = trimmed.IndexOf(c, i + 1);
                end = end < 0 ? trimmed.Length : end + 1;
                text.Append(trimmed, i, end - i);
                i = end;
            }
            else if (c == '-' && At(trimmed, i + 1) == '-')
            {
                var end = trimmed.IndexOf('\n', i);
                end = end < 0 ? trimmed.Length : end;
                text.Append(trimmed, i, end - i);
                i = end;
            }
            else if (c == '/' && At(trimmed, i + 1) == '*')
            {
                var end = trimmed.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? trimmed.Length : end + 2;
                text.Append(trimmed, i, end - i);
                i = end;
            }
            else if (c == '@' && IsNameStart(At(trimmed, i + 1)) && !IsNamePart(At(trimmed, i - 1)))
            {
                var end = i + 1;
                while (IsNamePart(At(trimmed, end)))
                {
                    end++;
                }

                var name = trimmed[(i + 1)..end];
                var position = names.FindIndex(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
                if (position < 0)
                {
                    names.Add(name);
                    position = names.Count - 1;
                }

                text.Append('$').Append(position + 1);
                i = end;
            }
            else
            {
                text.Append(c);
                i++;
            }
        }

        return new PositionalSql(text.ToString(), [.. names]);
    }

    private static char At(string text, int index) => index >= 0 && index < text.Length ? text[index] : '\0';

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}

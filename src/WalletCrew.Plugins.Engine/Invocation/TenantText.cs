using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace WalletCrew.Plugins.Engine.Invocation;

/// <summary>
/// Makes text that tenant code wrote or caused (log lines, exception messages and stack traces) safe to show the tenant and to
/// write to the host's log: no engine type names, no build or install paths, and one line (control characters escaped), so a
/// connector cannot learn the host's layout or forge a host log line.
/// </summary>
internal static partial class TenantText
{
    private const string Engine = "[engine]";

    private static readonly string[] HostDirectories = [.. new[] { AppContext.BaseDirectory, Path.GetDirectoryName(typeof(TenantText).Assembly.Location) }
        .Where(d => !string.IsNullOrEmpty(d) && d.Length > 1)
        .Select(d => d!.TrimEnd('/', '\\'))
        .Distinct(StringComparer.Ordinal)];

    private static readonly System.Buffers.SearchValues<char> Breaks = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(i => (char)i), '\u007f', .. Enumerable.Range(0x80, 0x20).Select(i => (char)i), '\u2028', '\u2029']);

    /// <summary>Scrubs, then escapes: the form every tenant-visible or host-logged text from tenant code takes.</summary>
    public static string Clean(string text) => Escape(Scrub(text));

    /// <summary>Replaces engine type names with <c>[engine]</c> and keeps only the file name of a rooted source path in a stack frame.</summary>
    public static string Scrub(string text)
    {
        if (text.Contains("WalletCrew.Plugins.", StringComparison.Ordinal))
        {
            text = HostTypeName().Replace(text, Engine);
        }

        if (text.Contains(":line ", StringComparison.Ordinal))
        {
            text = RootedSourcePath().Replace(text, " in $1:line $2");
        }

        foreach (var directory in HostDirectories)
        {
            text = text.Replace(directory, Engine, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Escapes line breaks and other control characters (<c>\r</c>, <c>\n</c>, <c>\t</c>, <c>\u0085</c>, <c>\u2028</c>…) so the text stays one line.</summary>
    public static string Escape(string text)
    {
        var first = text.AsSpan().IndexOfAny(Breaks);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16).Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
        {
            _ = c switch
            {
                '\r' => builder.Append("\\r"),
                '\n' => builder.Append("\\n"),
                '\t' => builder.Append("\\t"),
                _ when IsBreak(c) => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    private static bool IsBreak(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    // Host-side assemblies (the engine, host, CLI and worker); Abstractions types are public and stay named.
    [GeneratedRegex(@"WalletCrew\.Plugins\.(?:Engine|Host|Cli|Worker)\b(?:[.+][\p{L}\p{N}_`<>$|]+)*", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex HostTypeName();

    // " in <build root>/src/File.cs:line 12", Unix or Windows, drive or share: a rooted path in a stack frame.
    [GeneratedRegex(@" in (?:[A-Za-z]:[\\/]|[\\/])[^\r\n]*?([^\\/\r\n]+):line (\d+)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex RootedSourcePath();
}

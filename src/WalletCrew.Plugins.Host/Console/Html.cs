using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>
/// Markup that is safe to write as is. Built only from an interpolated string (<see cref="HtmlHandler"/>), which writes its
/// literal parts verbatim and HTML-encodes every value except another <see cref="Html"/>, so data never becomes markup.
/// </summary>
internal readonly struct Html
{
    private readonly string? _value;

    private Html(string value) => _value = value;

    public static Html Empty => default;

    /// <summary>Builds markup from an interpolated string whose values are encoded.</summary>
    public static Html Of(ref HtmlHandler markup) => new(markup.ToStringAndClear());

    /// <summary>Joins fragments.</summary>
    public static Html Join(IEnumerable<Html> parts) => new(string.Concat(parts.Select(p => p._value)));

    /// <summary>Returns <paramref name="markup"/> when <paramref name="condition"/> holds, else nothing.</summary>
    public static Html If(bool condition, Html markup) => condition ? markup : Empty;

    public override string ToString() => _value ?? "";
}

/// <summary>Writes the literal parts of an interpolated string as markup and every value HTML-encoded (except <see cref="Html"/>).</summary>
[InterpolatedStringHandler]
internal ref struct HtmlHandler
{
    private StringBuilder? _builder;

    public HtmlHandler(int literalLength, int formattedCount) => _builder = new StringBuilder(literalLength + (formattedCount * 16));

    public readonly void AppendLiteral(string value) => _builder!.Append(value);

    public readonly void AppendFormatted(Html value) => _builder!.Append(value.ToString());

    public readonly void AppendFormatted(IEnumerable<Html> values) => _builder!.Append(Html.Join(values).ToString());

    public readonly void AppendFormatted(string? value) => _builder!.Append(HtmlEncoder.Default.Encode(value ?? ""));

    public readonly void AppendFormatted<T>(T value) => AppendFormatted(value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString());

    public readonly void AppendFormatted<T>(T value, string format) where T : IFormattable => AppendFormatted(value.ToString(format, CultureInfo.InvariantCulture));

    public string ToStringAndClear()
    {
        var text = _builder!.ToString();
        _builder = null;
        return text;
    }
}

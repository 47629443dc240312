using System.Globalization;

namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>Writes a flat value as text the way a partner expects it: invariant culture, lowercase booleans and enum names.</summary>
internal static class ScalarText
{
    /// <summary>Formats <paramref name="value"/>, or returns <see langword="false"/> for a structured value (object, list).</summary>
    public static bool TryFormat(object? value, out string text)
    {
        string? result = value switch
        {
            null => "",
            string s => s,
            bool b => b ? "true" : "false",
            char c => c.ToString(),
            Enum e => e.ToString().ToLowerInvariant(),
            DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
            DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
            TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
            Guid g => g.ToString(),
            Uri u => u.ToString(),
            IFormattable f when IsNumber(value) => f.ToString(null, CultureInfo.InvariantCulture),
            _ => null,
        };
        text = result ?? "";
        return result is not null;
    }

    /// <summary>Returns whether <paramref name="value"/> is a built-in number type.</summary>
    public static bool IsNumber(object? value) => value is byte or sbyte or short or ushort or int or uint or long or ulong
        or float or double or decimal or Half or Int128 or UInt128 or System.Numerics.BigInteger;
}

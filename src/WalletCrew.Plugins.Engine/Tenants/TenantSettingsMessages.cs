using System.Globalization;
using System.Text.Json;
using WalletCrew.Plugins.Engine.Binding;

namespace WalletCrew.Plugins.Engine.Tenants;

/// <summary>Every message about a tenant's <c>tenant.json</c>, in one place: the field, what is wrong, and how to fix it.</summary>
internal static class TenantSettingsMessages
{
    /// <summary>tenant.json is not valid JSON.</summary>
    public const string InvalidJsonCode = "WCP0510";

    /// <summary>A field is unknown, of the wrong type or out of range; it is ignored and the host's value applies.</summary>
    public const string InvalidFieldCode = "WCP0511";

    /// <summary>A limit asks for more than the host's maximum; the maximum applies.</summary>
    public const string AboveMaximumCode = "WCP0512";

    public static string InvalidJson(string readerMessage)
    {
        // The reader appends its own position ("LineNumber: 2 | BytePositionInLine: 4."); the diagnostic already has it.
        var cut = readerMessage.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return $"tenant.json is not valid JSON: {(cut < 0 ? readerMessage : readerMessage[..cut])} The file was ignored: the host's limits apply and no private host is allowed.";
    }

    public static string NotAnObject(string what, JsonTokenType actual) =>
        $"{what} must be a JSON object ({{ ... }}), not {Kind(actual)}.";

    public static string UnknownField(string field, string prefix, IEnumerable<string> known) =>
        Suggestions.Closest(field[prefix.Length..], known) is { } suggestion
            ? $"Unknown field `{field}`; did you mean `{prefix}{suggestion}`?"
            : $"Unknown field `{field}`; the fields here are {string.Join(", ", known.Select(k => $"`{prefix}{k}`"))}.";

    public static string WrongType(string field, string expected, string actual) =>
        $"Field `{field}` must be {expected}, not {actual}; the host's value applies.";

    public static string NotPositive(string field, string value) =>
        $"Field `{field}` must be positive, not {value}; the host's value applies.";

    public static string AboveMaximum(string field, string value, double maximum) =>
        $"Field `{field}` is {value}, above the host's maximum of {maximum.ToString("0.###", CultureInfo.InvariantCulture)}; the maximum applies.";

    public static string HostIsAnAddress(int index, string host) =>
        $"Field `egress.allow[{index}]` is the address `{host}`; list host names (such as `crm.internal.example` or `*.corp.example`), not addresses.";

    public static string NotAHostName(int index, string host) =>
        $"Field `egress.allow[{index}]` is `{host}`, which is not a host name; write a name such as `crm.internal.example`, or `*.corp.example` for its subdomains (no scheme, port or path).";

    public static string PatternTooBroad(int index, string host) =>
        $"Field `egress.allow[{index}]` is `{host}`, which would allow a whole top-level domain; name the organisation's domain, such as `*.corp.example`.";

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "a list",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "something else",
    };
}

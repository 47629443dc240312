using System.Globalization;
using System.Net;
using WalletCrew.Plugins.Engine.Fetch.Egress;

namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>Every message of the fetch client, in one place: what is wrong, where, and how to fix it.</summary>
internal static class FetchErrors
{
    /// <summary>The names of the fetch options, in documentation order.</summary>
    public static readonly string[] OptionNames = ["Method", "Headers", "Body", "ThrowOnError", "Timeout"];

    private static readonly string OptionList = string.Join(", ", OptionNames);

    public static ArgumentException InvalidOptions(IReadOnlyList<string> problems) =>
        new($"{string.Join(" ", problems)} The fetch options are {OptionList}.", "options");

    public static string NotAnObject(object options) =>
        $"Fetch options must be a FetchOptions or an object with PascalCase properties, not {TypeName(options)}.";

    public static string UnknownOption(string name, string? suggestion) =>
        suggestion is null ? $"Unknown fetch option `{name}`." : $"Unknown fetch option `{name}`; did you mean `{suggestion}`?";

    public static string WrongType(string option, string expected, object? actual) =>
        $"Fetch option `{option}` must be {expected}, not {TypeName(actual)}.";

    public static string TimeoutNotPositive(TimeSpan value) =>
        $"Fetch option `Timeout` must be positive, not {Format(value)}.";

    public static string BadHeader(string name, string reason) => $"Header `{name}` {reason}.";

    public static ArgumentException InvalidRequestHeaders(string method, string url, IReadOnlyList<string> problems) =>
        new($"{string.Join(" ", problems)} Nothing was sent ({method} {url}).", "request");

    public static ArgumentException BodyNotFlat(string property, object value) =>
        new($"Body property `{property}` is {TypeName(value)}; a form-urlencoded body holds flat values (text, numbers, booleans, "
            + "and lists of them). Flatten it, or send JSON by leaving out the form Content-Type.", "options");

    public static ArgumentException BodyTooDeep(int depth) =>
        new($"Body nests deeper than {depth} levels; is there a cycle?", "options");

    public static ArgumentException BodyNumberNotFinite(object value) =>
        new($"Body holds the number {Convert.ToString(value, CultureInfo.InvariantCulture)}, which JSON cannot carry.", "options");

    public static ArgumentException InvalidUrl(string url, string reason) => new($"Cannot fetch `{url}`: {reason}.", "url");

    public static ArgumentException InvalidClientOptions(IReadOnlyList<string> problems) =>
        new($"Invalid fetch client options: {string.Join(" ", problems)}", "options");

    public static string OutOfRange(string setting, long value, long max) =>
        string.Create(CultureInfo.InvariantCulture, $"`{setting}` must be between 1 and {max}, not {value}.");

    /// <summary>The tenant.json field that sets the request body limit (no host setting: the host's default and maximum are fixed).</summary>
    public const string RequestBodySetting = "limits.requestBodyBytes";

    /// <summary>The tenant.json field that sets the response body limit.</summary>
    public const string ResponseBodySetting = "limits.responseBodyBytes";

    public static FetchLimitExceededException RequestBodyTooLarge(string method, string url, long size, long limit) =>
        new($"The request body of {method} {url} is {N(size)} bytes, over the limit of {Bytes(limit)}; nothing was sent. "
            + $"Send less, or raise `{RequestBodySetting}` in tenant.json within the host's maximum.", limit, size, RequestBodySetting);

    public static FetchLimitExceededException ResponseBodyTooLarge(string method, string url, long limit, long used, bool declared) =>
        new(declared
                ? $"The response body of {method} {url} declares {N(used)} bytes, over the limit of {Bytes(limit)}; it was not read. "
                  + $"Ask the partner for less (paging, filters), or raise `{ResponseBodySetting}` in tenant.json within the host's maximum."
                : $"The response body of {method} {url} is over the limit of {Bytes(limit)}; reading stopped after {N(used)} bytes. "
                  + $"Ask the partner for less (paging, filters), or raise `{ResponseBodySetting}` in tenant.json within the host's maximum.",
            limit, used, ResponseBodySetting);

    public static TimeoutException TimedOut(string method, string url, TimeSpan timeout) =>
        new($"{method} {url} did not complete within {Format(timeout)} (the fetch `Timeout` option).");

    public static EgressDeniedException NoAddress(string host, int port) =>
        new($"Egress to {host}:{port} is denied: the name resolved to no address.", host, port, null, null);

    public static EgressDeniedException EgressDenied(string host, int port, IPAddress address, AddressClassification verdict, bool tenantAllowsHost = false) =>
        new($"Egress to {host}:{port} is denied: {address} {verdict.Description}. {Hint(verdict.Category, tenantAllowsHost)}",
            host, port, address, verdict.Category);

    private static string Hint(AddressCategory category, bool tenantAllowsHost) => category switch
    {
        AddressCategory.Loopback =>
            "Tenant code may reach only public addresses; loopback is for development and tests, opened by the host setting `AllowLoopback`.",
        AddressCategory.Private when tenantAllowsHost =>
            "tenant.json `egress.allow` names this host, but a private address also needs the host operator's setting "
            + "`PrivateNetworks` to include its network; ask the operator to add it.",
        AddressCategory.Private =>
            "Tenant code may reach only public addresses; to reach a partner in a private network, add its host name to "
            + "tenant.json `egress.allow`, and have the host operator add its network to the host setting `PrivateNetworks`.",
        AddressCategory.CloudMetadata => "Cloud metadata endpoints are never reachable from tenant code.",
        _ => "Tenant code may reach only public addresses, and this range is never opened.",
    };

    private static string Bytes(long value) => value switch
    {
        >= 1024 * 1024 when value % (1024 * 1024) == 0 => $"{N(value)} bytes ({value / (1024 * 1024)} MiB)",
        >= 1024 when value % 1024 == 0 => $"{N(value)} bytes ({value / 1024} KiB)",
        _ => $"{N(value)} bytes",
    };

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Format(TimeSpan value) => value.TotalSeconds is < 1 and > -1
        ? $"{value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms"
        : $"{value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    private static string TypeName(object? value) => value switch
    {
        null => "null",
        string => "a string",
        bool => "a bool",
        _ => $"a {value.GetType().Name}",
    };
}

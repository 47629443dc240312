using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace WalletCrew.Plugins.Engine.Tenants;

/// <summary>
/// Reads <c>tenant.json</c> with a <see cref="Utf8JsonReader"/>, reporting every bad field at once (unknown, wrong type,
/// out of range) at its line and column; a bad field is ignored, so the host's value applies.
/// </summary>
internal static partial class TenantSettingsReader
{
    public const string FileName = TenantLayout.Settings;

    public static readonly string[] TopLevelFields = ["limits", "egress"];

    public static readonly string[] LimitFields =
    [
        "invocationTimeoutSeconds", "outboundCallsPerInvocation", "concurrentInvocations", "logEntriesPerInvocation",
        "logBytesPerInvocation", "requestBodyBytes", "responseBodyBytes", "workerHeapMiB",
    ];

    public static readonly string[] EgressFields = ["allow"];

    public static TenantSettings Read(string text, LimitMaxima maxima)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var state = new State(bytes, maxima);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read())
            {
                return TenantSettings.None; // an empty file asks for nothing
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                state.Error(reader.TokenStartIndex, TenantSettingsMessages.NotAnObject("The file", reader.TokenType));
                return state.Settings;
            }

            ReadObject(ref reader, state, "", TopLevelFields, (ref Utf8JsonReader r, string name) =>
            {
                if (name == "limits")
                {
                    ReadObject(ref r, state, "limits.", LimitFields, (ref Utf8JsonReader l, string field) => ReadLimit(ref l, state, field));
                }
                else
                {
                    ReadObject(ref r, state, "egress.", EgressFields, (ref Utf8JsonReader e, string _) => ReadAllowList(ref e, state));
                }
            });
            while (reader.Read())
            {
                // Reading to the end reports trailing garbage as a syntax error.
            }
        }
        catch (JsonException exception)
        {
            state.Add(new ConnectorDiagnostic(FileName, (int)(exception.LineNumber ?? 0) + 1, (int)(exception.BytePositionInLine ?? 0) + 1,
                ConnectorDiagnosticSeverity.Error, TenantSettingsMessages.InvalidJsonCode, TenantSettingsMessages.InvalidJson(exception.Message)));
        }

        return state.Settings;
    }

    private delegate void FieldReader(ref Utf8JsonReader reader, string name);

    // The reader is on the value of `prefix`: reads an object's fields, reporting unknown ones.
    private static void ReadObject(ref Utf8JsonReader reader, State state, string prefix, string[] known, FieldReader read)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            state.Error(reader.TokenStartIndex, TenantSettingsMessages.NotAnObject($"`{prefix.TrimEnd('.')}`", reader.TokenType));
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            var at = reader.TokenStartIndex;
            reader.Read();
            if (Array.IndexOf(known, name) < 0)
            {
                state.Error(at, TenantSettingsMessages.UnknownField(prefix + name, prefix, known));
                reader.Skip();
                continue;
            }

            read(ref reader, name);
        }
    }

    private static void ReadLimit(ref Utf8JsonReader reader, State state, string name)
    {
        var field = "limits." + name;
        var at = reader.TokenStartIndex;
        var seconds = name == "invocationTimeoutSeconds";
        if (reader.TokenType != JsonTokenType.Number || (!seconds && !reader.TryGetInt64(out _)))
        {
            state.Error(at, TenantSettingsMessages.WrongType(field, seconds ? "a number of seconds" : "a whole number", Describe(ref reader)));
            reader.Skip();
            return;
        }

        var value = reader.GetDouble();
        if (value <= 0)
        {
            state.Error(at, TenantSettingsMessages.NotPositive(field, Encoding.UTF8.GetString(reader.ValueSpan)));
            return;
        }

        var maximum = Maximum(state.Maxima, name);
        if (value > maximum)
        {
            state.Warning(at, TenantSettingsMessages.AboveMaximum(field, Encoding.UTF8.GetString(reader.ValueSpan), maximum));
            value = maximum;
        }

        var count = (long)value;
        state.Settings = name switch
        {
            "invocationTimeoutSeconds" => state.Settings with { InvocationTimeout = TimeSpan.FromSeconds(value) },
            "outboundCallsPerInvocation" => state.Settings with { OutboundCallsPerInvocation = count },
            "concurrentInvocations" => state.Settings with { ConcurrentInvocations = count },
            "logEntriesPerInvocation" => state.Settings with { LogEntriesPerInvocation = count },
            "logBytesPerInvocation" => state.Settings with { LogBytesPerInvocation = count },
            "requestBodyBytes" => state.Settings with { RequestBodyBytes = count },
            "workerHeapMiB" => state.Settings with { WorkerHeapMiB = count },
            _ => state.Settings with { ResponseBodyBytes = count },
        };
    }

    private static double Maximum(LimitMaxima maxima, string name) => name switch
    {
        "invocationTimeoutSeconds" => maxima.InvocationTimeout.TotalSeconds,
        "outboundCallsPerInvocation" => maxima.OutboundCallsPerInvocation,
        "concurrentInvocations" => maxima.ConcurrentInvocations,
        "logEntriesPerInvocation" => maxima.LogEntriesPerInvocation,
        "logBytesPerInvocation" => maxima.LogBytesPerInvocation,
        "requestBodyBytes" => maxima.RequestBodyBytes,
        "workerHeapMiB" => maxima.WorkerHeapMiB,
        _ => maxima.ResponseBodyBytes,
    };

    private static void ReadAllowList(ref Utf8JsonReader reader, State state)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            state.Error(reader.TokenStartIndex, TenantSettingsMessages.WrongType("egress.allow", "a list of host names", Describe(ref reader)));
            reader.Skip();
            return;
        }

        var hosts = new List<string>();
        for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
        {
            var at = reader.TokenStartIndex;
            var host = reader.TokenType == JsonTokenType.String ? reader.GetString()! : null;
            var problem = host is null ? TenantSettingsMessages.WrongType($"egress.allow[{index}]", "a host name", Describe(ref reader)) : CheckHost(host, index);
            if (problem is null)
            {
                hosts.Add(host!.TrimEnd('.').ToLowerInvariant());
            }
            else
            {
                state.Error(at, problem);
                reader.Skip();
            }
        }

        state.Settings = state.Settings with { EgressAllow = hosts };
    }

    private static string? CheckHost(string host, int index)
    {
        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        if (IPAddress.TryParse(name.Trim('[', ']'), out _))
        {
            return TenantSettingsMessages.HostIsAnAddress(index, host);
        }

        if (!HostName().IsMatch(name))
        {
            return TenantSettingsMessages.NotAHostName(index, host);
        }

        return host.StartsWith("*.", StringComparison.Ordinal) && !name.TrimEnd('.').Contains('.', StringComparison.Ordinal)
            ? TenantSettingsMessages.PatternTooBroad(index, host)
            : null;
    }

    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"the string \"{reader.GetString()}\"",
        JsonTokenType.Number => $"the number {Encoding.UTF8.GetString(reader.ValueSpan)}",
        JsonTokenType.True or JsonTokenType.False => $"{(reader.TokenType == JsonTokenType.True ? "true" : "false")}",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "a list",
        _ => "an object",
    };

    // \z, not $: $ also matches before a final newline.
    [GeneratedRegex(@"\A[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HostName();

    /// <summary>What has been read so far, and where each field was, for the diagnostics.</summary>
    internal sealed class State(byte[] bytes, LimitMaxima maxima)
    {
        private readonly List<ConnectorDiagnostic> _diagnostics = [];
        private TenantSettings _settings = TenantSettings.None;

        public LimitMaxima Maxima => maxima;

        public TenantSettings Settings
        {
            get => _settings with { Diagnostics = [.. _diagnostics] };
            set => _settings = value;
        }

        public void Error(long offset, string message) => Add(offset, ConnectorDiagnosticSeverity.Error, TenantSettingsMessages.InvalidFieldCode, message);

        public void Warning(long offset, string message) => Add(offset, ConnectorDiagnosticSeverity.Warning, TenantSettingsMessages.AboveMaximumCode, message);

        public void Add(ConnectorDiagnostic diagnostic) => _diagnostics.Add(diagnostic);

        private void Add(long offset, ConnectorDiagnosticSeverity severity, string code, string message)
        {
            var (line, column) = Position(offset);
            Add(new ConnectorDiagnostic(FileName, line, column, severity, code, message));
        }

        /// <summary>Turns a byte offset into a 1-based line and column (in characters).</summary>
        public (int Line, int Column) Position(long offset)
        {
            var line = 1;
            var lineStart = 0;
            for (var i = 0; i < offset && i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    line++;
                    lineStart = i + 1;
                }
            }

            return (line, Encoding.UTF8.GetCharCount(bytes, lineStart, (int)offset - lineStart) + 1);
        }
    }
}

using System.Text;
using Microsoft.Extensions.Logging;
using WalletCrew.Plugins.Engine.Limits;

namespace WalletCrew.Plugins.Engine.Invocation;

/// <summary>
/// The state of one invocation of tenant code (its log, the secrets it read, its cancellation), carried by an
/// <see cref="AsyncLocal{T}"/> that is only ever set inside the invoker's async methods, so it never flows back to host threads.
/// </summary>
internal sealed class InvocationScope
{
    private static readonly AsyncLocal<InvocationScope?> s_current = new();

    private readonly List<TenantLogEntry> _log = [];
    private readonly SecretsRead _secrets;
    private readonly InvocationLimits? _limits;
    private int _logBytes;
    private int _outboundCalls;
    private bool _truncated;

    /// <summary>Initializes the scope of one invocation.</summary>
    /// <param name="cancellationToken">Cancels the invocation (wall time or the caller).</param>
    /// <param name="limits">The counters' limits; <see langword="null"/> for the host's defaults.</param>
    /// <param name="secrets">The secret values the tenant's code has read (at load included), redacted here and added to;
    /// <see langword="null"/> for this scope's own.</param>
    public InvocationScope(CancellationToken cancellationToken, InvocationLimits? limits = null, SecretsRead? secrets = null)
    {
        CancellationToken = cancellationToken;
        _limits = limits;
        _secrets = secrets ?? new SecretsRead();
    }

    /// <summary>The shortest value redacted: shorter ones would blank ordinary words.</summary>
    public const int MinSecretLength = 4;

    public static InvocationScope? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    public CancellationToken CancellationToken { get; }

    public IReadOnlyList<TenantLogEntry> Log
    {
        get
        {
            lock (_log)
            {
                return [.. _log];
            }
        }
    }

    private int MaxLogEntries => _limits?.LogEntriesPerInvocation ?? EngineDefaults.MaxLogEntriesPerInvocation;

    private int MaxLogBytes => _limits?.LogBytesPerInvocation ?? EngineDefaults.LogBytesPerInvocation;

    /// <summary>Counts one outbound call; throws, before anything is sent, when it is over the invocation's limit.</summary>
    public void CountOutboundCall(string url)
    {
        var limit = _limits?.OutboundCallsPerInvocation ?? EngineDefaults.OutboundCallsPerInvocation;
        var used = Interlocked.Increment(ref _outboundCalls);
        if (used > limit)
        {
            throw LimitMessages.OutboundCallsExceeded(url, limit, used);
        }
    }

    public void Write(LogLevel level, string message)
    {
        lock (_log)
        {
            if (_truncated)
            {
                return;
            }

            if (_log.Count >= MaxLogEntries)
            {
                Truncate(LimitMessages.LogEntriesTruncated(MaxLogEntries));
                return;
            }

            message = Redact(message);
            var bytes = Encoding.UTF8.GetByteCount(message);
            if (_logBytes + bytes > MaxLogBytes)
            {
                // Keep what fits of the line that crosses the limit, then the marker.
                var room = MaxLogBytes - _logBytes;
                if (room > 0)
                {
                    _log.Add(new TenantLogEntry(level, Prefix(message, room)));
                }

                Truncate(LimitMessages.LogBytesTruncated(MaxLogBytes));
                return;
            }

            _logBytes += bytes;
            _log.Add(new TenantLogEntry(level, message));
        }
    }

    /// <summary>Remembers a secret value read so it never appears in the log or an error (escaped forms included).</summary>
    public void AddSecret(string value) => _secrets.Add(value);

    public string Redact(string message) => _secrets.Redact(message);

    // The longest prefix that fits in maxBytes of UTF-8, never cutting a character in half.
    private static string Prefix(string message, int maxBytes)
    {
        var length = 0;
        var bytes = 0;
        while (length < message.Length)
        {
            Rune.DecodeFromUtf16(message.AsSpan(length), out var rune, out var consumed);
            if (bytes + rune.Utf8SequenceLength > maxBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            length += consumed;
        }

        return message[..length];
    }

    private void Truncate(string marker)
    {
        _truncated = true;
        _log.Add(new TenantLogEntry(LogLevel.Warning, marker));
    }
}

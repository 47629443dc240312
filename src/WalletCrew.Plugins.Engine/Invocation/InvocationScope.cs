using Microsoft.Extensions.Logging;

namespace WalletCrew.Plugins.Engine.Invocation;

/// <summary>
/// The state of one invocation of tenant code (its log, the secrets it read, its cancellation), carried by an
/// <see cref="AsyncLocal{T}"/> that is only ever set inside the invoker's async methods, so it never flows back to host threads.
/// </summary>
internal sealed class InvocationScope
{
    private static readonly AsyncLocal<InvocationScope?> s_current = new();

    private readonly List<TenantLogEntry> _log = [];
    private readonly HashSet<string> _secretValues = new(StringComparer.Ordinal);
    private readonly int _maxLogEntries;
    private bool _truncated;

    public InvocationScope(CancellationToken cancellationToken, int maxLogEntries = EngineDefaults.MaxLogEntriesPerInvocation)
    {
        CancellationToken = cancellationToken;
        _maxLogEntries = maxLogEntries;
    }

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

    public void Write(LogLevel level, string message)
    {
        lock (_log)
        {
            if (_log.Count < _maxLogEntries)
            {
                _log.Add(new TenantLogEntry(level, Redact(message)));
            }
            else if (!_truncated)
            {
                _truncated = true;
                _log.Add(new TenantLogEntry(LogLevel.Warning, $"The tenant log of this invocation was truncated after {_maxLogEntries} entries."));
            }
        }
    }

    /// <summary>Remembers a secret value read in this invocation so it never appears in the log.</summary>
    public void AddSecret(string value)
    {
        if (value.Length >= 4)
        {
            lock (_log)
            {
                _secretValues.Add(value);
            }
        }
    }

    public string Redact(string message)
    {
        lock (_log)
        {
            foreach (var secret in _secretValues)
            {
                message = message.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return message;
    }
}

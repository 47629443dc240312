namespace WalletCrew.Plugins.Engine.Invocation;

/// <summary>
/// The secret values a tenant's code has read, at load and in every invocation, so that each invocation redacts them from
/// its log and errors: a value read by top-level code and captured by a hook (an API key in a URL) is no longer read in
/// the invocation that shows it (a partner's 401 naming the URL). Per tenant; bounded, the oldest forgotten first.
/// </summary>
internal sealed class SecretsRead
{
    /// <summary>The most values kept: a tenant has a handful of secrets, rotated now and then.</summary>
    public const int MaxValues = 256;

    private readonly LinkedList<string> _order = new();
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);

    /// <summary>Remembers a value read (and its escaped form, which an error carries when the value holds a line break).</summary>
    public void Add(string value)
    {
        if (value.Length < InvocationScope.MinSecretLength)
        {
            return;
        }

        lock (_values)
        {
            foreach (var form in (string[])[value, TenantText.Escape(value)])
            {
                if (_values.Add(form))
                {
                    _order.AddLast(form);
                }
            }

            while (_order.Count > MaxValues)
            {
                _values.Remove(_order.First!.Value);
                _order.RemoveFirst();
            }
        }
    }

    /// <summary>Returns <paramref name="text"/> with every remembered value replaced by <c>***</c>.</summary>
    public string Redact(string text)
    {
        lock (_values)
        {
            foreach (var value in _values)
            {
                text = text.Replace(value, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }
}

using Microsoft.Extensions.Logging;

namespace WalletCrew.Plugins.Engine.Invocation;

/// <summary>The tenant log a connector writes to: kept with the current invocation and forwarded to the host's logging by the string category <c>Tenant.{id}</c>.</summary>
/// <remarks>Messages are cleaned by <see cref="TenantText"/>: control characters escaped, engine type names and build paths removed.</remarks>
internal sealed class TenantLogger(string tenantId, ILogger host) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var message = formatter(state, exception);
        if (exception is not null)
        {
            message = $"{message} {exception.GetType().Name}: {ExceptionDescriber.MessageOf(exception)}";
        }

        // Secrets first (a value is found as it was read), then one line without engine names or paths: the same text for the
        // tenant log and the host's, where a line break in a tenant's message would otherwise start a forged host line.
        var scope = InvocationScope.Current;
        message = TenantText.Clean(scope is null ? message : scope.Redact(message));
        scope?.Write(logLevel, message);

        if (host.IsEnabled(logLevel))
        {
            host.Log(logLevel, eventId, "[{TenantId}] {Message}", tenantId, message);
        }
    }
}

using Microsoft.Extensions.Logging;

namespace WalletCrew.Plugins.Engine.Invocation;

/// <summary>The tenant log a connector writes to: kept with the current invocation and forwarded to the host's logging by the string category <c>Tenant.{id}</c>.</summary>
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
            message = $"{message} {exception.GetType().Name}: {exception.Message}";
        }

        var scope = InvocationScope.Current;
        if (scope is not null)
        {
            message = scope.Redact(message);
            scope.Write(logLevel, message);
        }

        if (host.IsEnabled(logLevel))
        {
            host.Log(logLevel, eventId, "[{TenantId}] {Message}", tenantId, message);
        }
    }
}

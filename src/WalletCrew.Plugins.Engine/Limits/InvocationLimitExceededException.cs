namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>An invocation used up one of its counters (outbound calls); the call that would go over is not made.</summary>
internal sealed class InvocationLimitExceededException : LimitExceededException
{
    internal InvocationLimitExceededException(string message, long limit, long used, string setting)
        : base(message, limit, used, setting)
    {
    }
}

namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>Tenant code that a checkpoint stopped: it outran the invocation's wall time, or nested calls until the stack nearly ran out.</summary>
/// <remarks>The budget stays spent: every later checkpoint of the invocation throws again, so catching this does not let the work continue.</remarks>
internal sealed class ExecutionLimitExceededException : LimitExceededException
{
    internal ExecutionLimitExceededException(string message, long limit, long used, string setting)
        : base(message, limit, used, setting)
    {
    }
}

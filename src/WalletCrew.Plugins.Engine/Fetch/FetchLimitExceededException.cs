using WalletCrew.Plugins.Engine.Limits;

namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>A request body too large to send, or a response body too large to read.</summary>
internal sealed class FetchLimitExceededException : LimitExceededException
{
    internal FetchLimitExceededException(string message, long limit, long used, string setting)
        : base(message, limit, used, setting)
    {
    }
}

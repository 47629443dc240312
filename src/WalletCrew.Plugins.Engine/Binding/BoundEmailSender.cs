namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>An email sender bound to the typed contract.</summary>
/// <param name="Source">The connector file that registered it.</param>
/// <param name="Send">Runs <c>SendEmail</c>.</param>
/// <param name="RunsInline">Whether its code carries checkpoints, so it may run on the caller's thread.</param>
internal sealed record BoundEmailSender(
    string Source,
    Func<EmailRequest, CancellationToken, Task> Send,
    bool RunsInline = false);

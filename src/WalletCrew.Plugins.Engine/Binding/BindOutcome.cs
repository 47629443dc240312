namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>What binding one registration produced: a bound connector, or the errors that stop it.</summary>
internal sealed record BindOutcome(
    BoundPassUpdater? PassUpdater,
    BoundCustomerProvider? CustomerProvider,
    IReadOnlyList<BindError> Errors,
    BoundEmailSender? EmailSender = null)
{
    public static BindOutcome Failed(params BindError[] errors) => new(null, null, errors);
}

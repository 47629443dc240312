namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>What binding one registration produced: a bound connector, or the errors that stop it.</summary>
internal sealed record BindOutcome(BoundPassUpdater? PassUpdater, BoundCustomerProvider? CustomerProvider, IReadOnlyList<BindError> Errors)
{
    public static BindOutcome Failed(params BindError[] errors) => new(null, null, errors);
}

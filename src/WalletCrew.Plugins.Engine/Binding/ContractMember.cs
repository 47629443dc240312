using System.Linq.Expressions;

namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>A documented member of a registration contract and the parameters it passes, in order.</summary>
/// <param name="Name">The documented name, such as <c>OnPassInstalled</c>.</param>
/// <param name="Input">The typed input the platform calls with (<see cref="PassInstallationEvent"/> or <see cref="FillRequest"/>).</param>
/// <param name="Parameters">The JavaScript-style parameters, in the documented order.</param>
internal sealed record ContractMember(string Name, Type Input, IReadOnlyList<ContractParameter> Parameters)
{
    public string Signature => $"{Name}({string.Join(", ", Parameters.Select(p => p.Name))})";
}

/// <summary>One documented parameter: its name, the value's type and how to read it from the typed input.</summary>
/// <param name="Name">The documented name.</param>
/// <param name="ValueType">The type of the value the platform passes.</param>
/// <param name="Read">Reads the value from the input expression.</param>
/// <param name="Alternatives">Other declared types the value converts to, with their conversion.</param>
internal sealed record ContractParameter(
    string Name,
    Type ValueType,
    Func<Expression, Expression> Read,
    IReadOnlyDictionary<Type, Func<Expression, Expression>>? Alternatives = null)
{
    public string Describe() => Alternatives is null
        ? TypeNames.Of(ValueType)
        : string.Join(" or ", new[] { ValueType }.Concat(Alternatives.Keys).Select(TypeNames.Of));
}

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
/// <param name="Read">Reads the value from the member's input.</param>
/// <param name="Alternatives">Other declared types the value converts to, with their conversion from the input.</param>
internal sealed record ContractParameter(
    string Name,
    Type ValueType,
    Func<object, object?> Read,
    IReadOnlyDictionary<Type, Func<object, object?>>? Alternatives = null)
{
    /// <summary>A parameter read from input of type <typeparamref name="TInput"/> as a <typeparamref name="TValue"/>.</summary>
    public static ContractParameter Of<TInput, TValue>(
        string name, Func<TInput, TValue> read, IReadOnlyDictionary<Type, Func<object, object?>>? alternatives = null) =>
        new(name, typeof(TValue), input => read((TInput)input), alternatives);

    public string Describe() => Alternatives is null
        ? TypeNames.Of(ValueType)
        : string.Join(" or ", new[] { ValueType }.Concat(Alternatives.Keys).Select(TypeNames.Of));
}

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>What an evaluation-stack slot holds, as far as memory safety goes (<see cref="PluginAddressFlow"/>).</summary>
internal enum StackKind : byte
{
    /// <summary>Not known (a generic parameter, or an opcode refused on its own): never judged.</summary>
    Unknown,

    /// <summary>An integer of any size, a native int or a pointer.</summary>
    Number,

    /// <summary>An object reference.</summary>
    Object,

    /// <summary>A managed address (a <c>ref</c>).</summary>
    Address,

    /// <summary>A struct or a floating-point number.</summary>
    Struct,
}

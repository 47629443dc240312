using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace WalletCrew.Plugins;

/// <summary>The checkpoints the engine weaves into connector code, scripts and plugins: they stop code that outruns its invocation's limits.</summary>
/// <remarks>Woven by the engine into the compiled code at loop back-edges, method entries and <c>catch</c>/<c>finally</c> blocks; calling it yourself is harmless.
/// Outside an invocation it does nothing but guard the stack.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ConnectorCheckpoint
{
    private static readonly AsyncLocal<ICheckpointBudget?> s_budget = new();

    /// <summary>Gets or sets the budget of the invocation on this async flow; the engine sets it inside its own async methods only.</summary>
    internal static ICheckpointBudget? Budget
    {
        get => s_budget.Value;
        set => s_budget.Value = value;
    }

    /// <summary>Checks the invocation's budget at a loop back-edge or a <c>catch</c>/<c>finally</c> block; throws once it is spent.</summary>
    /// <remarks>Inserted by the engine; calling it yourself is harmless.</remarks>
    public static void Tick() => s_budget.Value?.Check();

    /// <summary>Checks the invocation's budget and the stack at a method, lambda or accessor entry; throws once either is spent.</summary>
    /// <remarks>Inserted by the engine; calling it yourself is harmless. Deep recursion ends here with a named error instead of a stack overflow that would end the process.</remarks>
    public static void Enter()
    {
        var budget = s_budget.Value;
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            if (budget is null)
            {
                throw new InsufficientExecutionStackException();
            }

            budget.StackExhausted();
        }

        budget?.Check();
    }
}

namespace WalletCrew.Plugins;

/// <summary>The limits of one invocation, as <see cref="ConnectorCheckpoint"/> checks them; the engine implements it.</summary>
internal interface ICheckpointBudget
{
    /// <summary>Throws when the budget is spent (and on every later call: a spent budget stays spent).</summary>
    void Check();

    /// <summary>Spends the budget because the stack is nearly exhausted, and throws.</summary>
    void StackExhausted();

    /// <summary>Spends the budget because framework code would recurse <paramref name="depth"/> levels deep over tenant data (over <paramref name="limit"/>), and throws.</summary>
    /// <param name="depth">The depth.</param>
    /// <param name="limit">The limit.</param>
    /// <param name="what">What the connector did, a format with <c>{0}</c> for the depth ("stacked {0} LINQ operators on one query").</param>
    void TooDeep(int depth, int limit, string what);
}

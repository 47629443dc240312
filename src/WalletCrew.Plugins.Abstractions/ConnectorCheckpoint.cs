using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WalletCrew.Plugins;

/// <summary>The checkpoints the engine weaves into connector code, scripts and plugins: they stop code that outruns its invocation's limits.</summary>
/// <remarks>Woven by the engine into the compiled code at loop back-edges, method entries and <c>catch</c> blocks; connectors may not call it (the policy refuses a script that does, and a plugin that does is not loaded).
/// Outside an invocation it does nothing but guard the stack.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ConnectorCheckpoint
{
    /// <summary>The most lazy LINQ operators one query may stack: enumerating it nests one framework frame per operator, where no checkpoint runs.</summary>
    internal const int MaxQueryDepth = 1000;

    /// <summary>The deepest JSON tree the framework's recursive comparisons and copies may walk.</summary>
    internal const int MaxJsonDepth = 256;

    private static readonly AsyncLocal<ICheckpointBudget?> s_budget = new();

    private static readonly ConditionalWeakTable<object, StrongBox<int>> s_queryDepths = new();

    private static readonly System.Reflection.Assembly s_linq = typeof(Enumerable).Assembly;

    /// <summary>Gets or sets the budget of the invocation on this async flow; the engine sets it inside its own async methods only.</summary>
    internal static ICheckpointBudget? Budget
    {
        get => s_budget.Value;
        set => s_budget.Value = value;
    }

    /// <summary>Checks the invocation's budget at a loop back-edge or a <c>catch</c> block; throws once it is spent.</summary>
    /// <remarks>Inserted by the engine; connectors may not call it (the policy refuses a script that does, and a plugin that does is not loaded).</remarks>
    public static void Tick() => s_budget.Value?.Check();

    /// <summary>Checks the invocation's budget and the stack at a method, lambda or accessor entry; throws once either is spent.</summary>
    /// <remarks>Inserted by the engine; connectors may not call it (the policy refuses a script that does, and a plugin that does is not loaded). Deep recursion ends here with a named error instead of a stack overflow that would end the process.</remarks>
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

    /// <summary>Notes how many lazy LINQ operators <paramref name="query"/> stacks on its sources; throws when that is over the limit.</summary>
    /// <typeparam name="TQuery">The operator's return type.</typeparam>
    /// <param name="query">What the operator returned.</param>
    /// <param name="source">The operator's first sequence argument.</param>
    /// <param name="other">The operator's second sequence argument, if any.</param>
    /// <returns><paramref name="query"/>.</returns>
    /// <remarks>Woven by the engine after each <c>System.Linq.Enumerable</c> call; connectors may not call it (the policy refuses a script that does, and a plugin that does is not loaded).</remarks>
    public static TQuery Query<TQuery>(TQuery query, object? source, object? other)
        where TQuery : class
    {
        var depth = 1 + Math.Max(QueryDepth(source), QueryDepth(other));
        if (depth > MaxQueryDepth)
        {
            Refuse(depth, MaxQueryDepth, "stacked {0} LINQ operators on one query");
        }

        // One operator deep needs no record (the next operator finds the query made by LINQ and counts it as one), so the
        // common single operator costs the table nothing; only chains are recorded.
        if (depth > 1 && query is not null && !ReferenceEquals(query, source) && !ReferenceEquals(query, other))
        {
            s_queryDepths.AddOrUpdate(query, new StrongBox<int>(depth));
        }

        return query!;
    }

    /// <summary>Compares two JSON trees as <see cref="JsonNode.DeepEquals(JsonNode?, JsonNode?)"/> does, once both are known to be shallow enough for it.</summary>
    /// <param name="node1">The first tree.</param>
    /// <param name="node2">The second tree.</param>
    /// <returns>Whether the trees are equal.</returns>
    /// <remarks>Woven by the engine in place of <c>JsonNode.DeepEquals</c>; connectors may not call it (the policy refuses a script that does, and a plugin that does is not loaded).</remarks>
    public static bool DeepEquals(JsonNode? node1, JsonNode? node2)
    {
        CheckJsonDepth(node1);
        CheckJsonDepth(node2);
        return JsonNode.DeepEquals(node1, node2);
    }

    /// <summary>Copies a JSON tree as <see cref="JsonNode.DeepClone"/> does, once it is known to be shallow enough for it.</summary>
    /// <param name="node">The tree.</param>
    /// <returns>The copy.</returns>
    /// <remarks>Woven by the engine in place of <c>JsonNode.DeepClone</c>; connectors may not call it (the policy refuses a script that does, and a plugin that does is not loaded).</remarks>
    public static JsonNode DeepClone(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        CheckJsonDepth(node);
        return node.DeepClone();
    }

    /// <summary>Sets <see cref="JsonSerializerOptions.MaxDepth"/> once the value is known to be within what the engine allows.</summary>
    /// <param name="options">The options.</param>
    /// <param name="value">The depth.</param>
    /// <remarks>Woven by the engine in place of the setter; connectors may not call it (the policy refuses a script that does, and a plugin that does is not loaded).</remarks>
    public static void SetMaxDepth(JsonSerializerOptions options, int value)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.MaxDepth = CheckedMaxDepth(value);
    }

    /// <summary>Sets <see cref="JsonWriterOptions.MaxDepth"/> once the value is known to be within what the engine allows.</summary>
    /// <param name="options">The options.</param>
    /// <param name="value">The depth.</param>
    /// <remarks>Woven by the engine in place of the setter; connectors may not call it (the policy refuses a script that does, and a plugin that does is not loaded).</remarks>
    public static void SetMaxDepth(ref JsonWriterOptions options, int value) => options.MaxDepth = CheckedMaxDepth(value);

    /// <summary>Sets <see cref="JsonReaderOptions.MaxDepth"/> once the value is known to be within what the engine allows.</summary>
    /// <param name="options">The options.</param>
    /// <param name="value">The depth.</param>
    /// <remarks>Woven by the engine in place of the setter; connectors may not call it (the policy refuses a script that does, and a plugin that does is not loaded).</remarks>
    public static void SetMaxDepth(ref JsonReaderOptions options, int value) => options.MaxDepth = CheckedMaxDepth(value);

    /// <summary>Sets <see cref="JsonDocumentOptions.MaxDepth"/> once the value is known to be within what the engine allows.</summary>
    /// <param name="options">The options.</param>
    /// <param name="value">The depth.</param>
    /// <remarks>Woven by the engine in place of the setter; connectors may not call it (the policy refuses a script that does, and a plugin that does is not loaded).</remarks>
    public static void SetMaxDepth(ref JsonDocumentOptions options, int value) => options.MaxDepth = CheckedMaxDepth(value);

    // The serializer's and the writer's recursion is bounded by MaxDepth; beyond the engine's bound it could overflow the stack.
    private static int CheckedMaxDepth(int value)
    {
        if (value > MaxJsonDepth)
        {
            Refuse(value, MaxJsonDepth, "set a JSON MaxDepth of {0}");
        }

        return value;
    }

    // A recorded query's depth; else one for what a LINQ operator made (a query one operator deep is not recorded), none for a collection.
    private static int QueryDepth(object? sequence) =>
        sequence is null ? 0
        : s_queryDepths.TryGetValue(sequence, out var depth) ? depth.Value
        : sequence.GetType().Assembly == s_linq ? 1 : 0;

    // Walked with a stack of its own: the walk itself must not recurse.
    private static void CheckJsonDepth(JsonNode? root)
    {
        var pending = new Stack<(JsonNode Node, int Depth)>();
        if (root is not null)
        {
            pending.Push((root, 1));
        }

        while (pending.TryPop(out var item))
        {
            if (item.Depth > MaxJsonDepth)
            {
                Refuse(item.Depth, MaxJsonDepth, "built {0} nested JSON levels");
            }

            var children = item.Node switch
            {
                JsonObject o => o.Select(p => p.Value),
                JsonArray a => a,
                _ => [],
            };
            foreach (var child in children)
            {
                if (child is not null)
                {
                    pending.Push((child, item.Depth + 1));
                }
            }

        }
    }

    private static void Refuse(int depth, int limit, string what)
    {
        if (s_budget.Value is { } budget)
        {
            budget.TooDeep(depth, limit, what);
        }

        throw new InsufficientExecutionStackException($"The connector {string.Format(System.Globalization.CultureInfo.InvariantCulture, what, depth)}, over the limit of {limit}.");
    }
}

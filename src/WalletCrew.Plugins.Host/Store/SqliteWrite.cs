namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// One caller's write, queued for the <see cref="SqliteWriter"/>: it runs inside the writer's batch transaction and its
/// caller is answered only once that transaction is committed (or has failed).
/// </summary>
internal abstract class SqliteWrite
{
    /// <summary>
    /// Marks the write as taken into a batch; false when its caller gave up while it waited (the write is then skipped).
    /// From here on the caller hears the write's true outcome, so a claim is never committed unseen.
    /// </summary>
    public abstract bool TryStart();

    /// <summary>Runs the write's statements in the open batch transaction; the result is kept until <see cref="Succeed"/>.</summary>
    public abstract Task RunAsync(SqliteStatements statements);

    /// <summary>Answers the caller with the result, now that it is durable.</summary>
    public abstract void Succeed();

    /// <summary>Answers the caller with the failure; nothing of the write was kept.</summary>
    public abstract void Fail(Exception exception);
}

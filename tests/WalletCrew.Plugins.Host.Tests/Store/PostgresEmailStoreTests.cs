using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>The email store contract on a fresh database of the real PostgreSQL server.</summary>
public sealed class PostgresEmailStoreTests : EmailStoreContractTests
{
    private PostgresTestStore? _postgres;

    public override async Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    private protected override async Task<IEmailStore> CreateStoreAsync()
    {
        _postgres = await PostgresTestStore.CreateAsync();
        await new PostgresEventStore(_postgres.DataSource).InitializeAsync(CancellationToken.None);
        return new PostgresEmailStore(_postgres.DataSource);
    }

    private protected override Task InitializeEventStoreAsync() => new PostgresEventStore(_postgres!.DataSource).InitializeAsync(CancellationToken.None);

    private protected override Task<object?> ExecuteAsync(string sql) => _postgres!.ExecuteAsync(sql);

    private protected override async Task<(int Claimed, long ClaimWork, long ControlWork)> MeasureClaimAsync(string control, DateTimeOffset now, int max, int perTenant)
    {
        await ExecuteAsync("ANALYZE {0}emails;");
        await using var connection = await _postgres!.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var claim = await PostgresExplain.RunAsync(connection, transaction, EmailSql.PostgresClaim, command => Parameters(command)
            .Add("owner", "measure").Add("until", StoreRows.ToMs(now.AddMinutes(2))).Add("excluded", Array.Empty<string>()).Add("running", "{}").Add("after", ""));
        var ranked = await PostgresExplain.RunAsync(connection, transaction, PrefixedSql.Postgres(control), command => Parameters(command));
        await transaction.RollbackAsync();
        return ((int)claim.Rows, claim.Work, ranked.Work);

        Npgsql.NpgsqlCommand Parameters(Npgsql.NpgsqlCommand command) =>
            command.Add("now", StoreRows.ToMs(now)).Add("max", (long)max).Add("perTenant", (long)perTenant);
    }
}

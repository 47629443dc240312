using Npgsql;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>
/// The PostgreSQL statements' <c>@name</c> placeholders become positional once per text (<see cref="PositionalSql"/>), so
/// Npgsql sends them without parsing them again: run on a real server, a statement reads the values it was given, a name
/// used twice is one parameter, and text that only looks like a placeholder (in a string, a quoted name, a comment) stays.
/// </summary>
public sealed class PositionalSqlTests : IAsyncLifetime
{
    private const string Tricky = """
        SELECT @a::text || '|' || @b::text || '|' || @a::text || '|' || '@a, ''@b''' AS "@a" -- @b in a comment
        /* and @a here */ ;
        """;

    private PostgresDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        _dataSource = PostgresDataSources.Create(_database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task AStatementReadsItsValuesAndLeavesQuotedTextAndCommentsAlone()
    {
        var statement = PostgresEventStore.Statement(Tricky, ("b", "two"), ("a", "one"), ("unused", 3));

        statement.Parameters.Should().HaveCount(2).And.OnlyContain(p => p.ParameterName.Length == 0, "positional: Npgsql sends the text as it is");
        statement.CommandText.Should().Contain("$1::text").And.Contain("$2::text").And.Contain("'@a, ''@b'''").And.Contain("\"@a\"")
            .And.Contain("-- @b in a comment").And.Contain("/* and @a here */").And.NotEndWith(";");
        (await RunAsync(statement)).Should().Be("one|two|one|@a, '@b'");
    }

    [Fact]
    public async Task NegativeControl_TheSameStatementWithNamedParametersReadsTheSameThroughNpgsqlsOwnRewriting()
    {
        // What the rewrite must match: Npgsql's parser on the original text.
        var statement = new NpgsqlBatchCommand(Tricky.TrimEnd().TrimEnd(';'));
        statement.Parameters.AddWithValue("a", "one");
        statement.Parameters.AddWithValue("b", "two");

        (await RunAsync(statement)).Should().Be("one|two|one|@a, '@b'");
    }

    [Fact]
    public void AValueMissingIsNamedBeforeAnythingIsSent()
    {
        var missing = () => PostgresEventStore.Statement("SELECT @a::text, @b::text", ("a", "one"));

        missing.Should().Throw<InvalidOperationException>().WithMessage("*@b*");
    }

    [Fact]
    public void TextWithADollarIsLeftToNpgsql()
    {
        var statement = PostgresEventStore.Statement("SELECT $$@a$$ || @a::text;", ("a", "one"));

        statement.CommandText.Should().Be("SELECT $$@a$$ || @a::text");
        statement.Parameters.Should().ContainSingle().Which.ParameterName.Should().Be("a");
    }

    private async Task<string?> RunAsync(NpgsqlBatchCommand statement)
    {
        await using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(statement);
        return (string?)await batch.ExecuteScalarAsync();
    }
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Sessions;

/// <summary>
/// The session writer's raw SQL (Sessions/SessionSql.cs) maps the same tables as EF Core: its column
/// lists name exactly the model's columns, and its readers put each column into its own property.
/// A column added, renamed or moved on one side only fails here instead of corrupting a session.
/// </summary>
public sealed partial class SessionSqlModelTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public void TheLockStatement_SelectsEveryColumnOfTheSessionRow_AndNoOther()
    {
        var listed = Columns(SessionSql.SessionColumns);
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Equal(ModelColumns<ConsentSession>().Order(), listed.Order());
    }

    [Fact]
    public void TheWriteStatements_NameOnlyColumnsOfTheModel_AndInsertEveryStoredOne()
    {
        // Every column of an event except its generated id is written when it is appended.
        Assert.Equal(ModelColumns<ConsentEvent>().Where(c => c != "id").Order(), InsertColumns(SessionSql.InsertEvent).Order());
        Assert.Equal(ModelColumns<IdempotencyEntry>().Order(), InsertColumns(SessionSql.InsertIdempotency).Order());
        Assert.Subset(ModelColumns<ConsentEvent>().ToHashSet(), SelectColumns(SessionSql.SelectEvents).ToHashSet());
        Assert.Subset(ModelColumns<IdempotencyEntry>().ToHashSet(), SelectColumns(SessionSql.FindIdempotency).ToHashSet());
        var updated = SetColumns().Matches(SessionSql.UpdateSession).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.NotEmpty(updated);
        Assert.Subset(ModelColumns<ConsentSession>().ToHashSet(), updated);
    }

    /// <remarks>
    /// The row is given a different value in every column first, so reading one column into another
    /// property (a wrong ordinal) cannot go unnoticed because the two happened to be equal.
    /// </remarks>
    [Fact]
    public async Task TheRawReaders_ReadEachColumnIntoItsOwnProperty_AsEfDoes()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var started = await driver.StartAsync(mrn: "MRN-ORDINALS");
        await driver.WalkAsync(await driver.VerifyAsync(started), started, stopAt: "understanding");
        await using (var update = new NpgsqlConnection(factory.ConnectionString))
        {
            await update.OpenAsync();
            await using var command = new NpgsqlCommand(
                "UPDATE consent_sessions SET updated_at = created_at + interval '1 minute', completed_at = created_at + interval '2 minutes', "
                + "patient_email = 'ordinals@example.org' WHERE id = $1", update);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = started.Id });
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        var expected = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == started.Id);
        var expectedEvents = await db.Events.AsNoTracking().Where(e => e.SessionId == started.Id).OrderBy(e => e.Seq).ToListAsync();

        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        var (locked, _) = await SessionSql.BeginAndLockAsync(connection, started.Id, null, null, CancellationToken.None);
        await SessionSql.RollbackAsync(connection);
        var (events, lastSeq, lastHash) = await SessionSql.ReadEventsAsync(connection, started.Id, CancellationToken.None);

        Assert.NotNull(locked);
        foreach (var property in db.Model.FindEntityType(typeof(ConsentSession))!.GetProperties())
        {
            Assert.True(Equals(property.PropertyInfo!.GetValue(expected), property.PropertyInfo.GetValue(locked)),
                $"{property.Name}: EF read {property.PropertyInfo.GetValue(expected)}, the lock statement {property.PropertyInfo.GetValue(locked)}");
        }

        Assert.Equal(expectedEvents.Count, events.Count);
        Assert.Contains(expectedEvents, e => e.StepId is not null && e.ContentHash is not null);
        Assert.Equal((expectedEvents[^1].Seq, expectedEvents[^1].Hash), (lastSeq, lastHash));
        foreach (var (row, read) in expectedEvents.Zip(events))
        {
            Assert.Equal((row.Seq, row.Type, row.StepId, row.ContentHash, row.Actor, row.At),
                (read.Seq, read.Type, read.StepId, read.ContentHash, read.Actor, read.At));
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(row.Payload), read.Payload), $"payload of event {row.Seq}");
        }
    }

    private List<string> ModelColumns<T>()
    {
        using var scope = factory.Services.CreateScope();
        var entity = scope.ServiceProvider.GetRequiredService<ConsentDbContext>().Model.FindEntityType(typeof(T))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        return [.. entity.GetProperties().Select(p => p.GetColumnName(table)!)];
    }

    private static List<string> Columns(string list) => [.. list.Split(',').Select(c => c.Trim())];

    private static List<string> InsertColumns(string sql) => Columns(InsertList().Match(sql).Groups[1].Value);

    private static List<string> SelectColumns(string sql) => Columns(SelectList().Match(sql).Groups[1].Value);

    [GeneratedRegex(@"^INSERT INTO \w+ \(([^)]*)\)")]
    private static partial Regex InsertList();

    [GeneratedRegex(@"^SELECT (.*?) FROM ")]
    private static partial Regex SelectList();

    [GeneratedRegex(@"(\w+) = \$\d+")]
    private static partial Regex SetColumns();
}

using Consent.Web.Tests.Infrastructure;
using Npgsql;

namespace Consent.Web.Tests.Data;

/// <summary>The audit trail cannot be changed by the service's database role, only appended to.</summary>
public sealed class EventLogAppendOnlyTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Theory]
    [InlineData("UPDATE consent_events SET payload = '{\"changed\": true}' WHERE session_id = @s")]
    [InlineData("DELETE FROM consent_events WHERE session_id = @s")]
    [InlineData("TRUNCATE consent_events CASCADE")]
    public async Task ServiceRole_CannotChangeOrRemoveEvents(string sql)
    {
        await using var db = await factory.OpenDatabaseAsync();
        var session = await InsertSessionWithEventAsync(db);

        await using var change = new NpgsqlCommand(sql, db);
        change.Parameters.AddWithValue("s", session);
        var error = await Assert.ThrowsAsync<PostgresException>(() => change.ExecuteNonQueryAsync());
        Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);

        await using var count = new NpgsqlCommand("SELECT count(*) FROM consent_events WHERE session_id = @s AND payload = '{}'::jsonb", db);
        count.Parameters.AddWithValue("s", session);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task ServiceRole_CanStillAppendEvents()
    {
        await using var db = await factory.OpenDatabaseAsync();
        var session = await InsertSessionWithEventAsync(db);
        await using var insert = new NpgsqlCommand(
            "INSERT INTO consent_events (session_id, seq, type, payload, actor, at, prev_hash, hash) VALUES (@s, 2, 'Voided', '{}', 'test', now(), 'a', 'b')", db);
        insert.Parameters.AddWithValue("s", session);
        Assert.Equal(1, await insert.ExecuteNonQueryAsync());
    }

    private static async Task<Guid> InsertSessionWithEventAsync(NpgsqlConnection db)
    {
        var id = Guid.NewGuid();
        await using var sql = new NpgsqlCommand("""
            INSERT INTO workflow_versions (workflow_id, version, hash, source_path, title_en, languages, approval, first_loaded_at)
            VALUES ('append-only-test', 1, repeat('0', 64), 'x', 'x', '{en}', 'Approved', now()) ON CONFLICT DO NOTHING;
            INSERT INTO consent_sessions (id, workflow_id, workflow_version, workflow_hash, language, status, patient_name,
                patient_date_of_birth, link_token_hash, expires_at, created_by, created_at, updated_at, last_seq, last_hash)
            VALUES (@id, 'append-only-test', 1, repeat('0', 64), 'en', 'Invited', 'Test Patient', '1970-01-01',
                md5(@id::text) || md5(@id::text), now() + interval '1 day', gen_random_uuid(), now(), now(), 1, 'h');
            INSERT INTO consent_events (session_id, seq, type, payload, actor, at, prev_hash, hash)
            VALUES (@id, 1, 'SessionCreated', '{}', 'test', now(), '', 'h');
            """, db);
        sql.Parameters.AddWithValue("id", id);
        await sql.ExecuteNonQueryAsync();
        return id;
    }
}

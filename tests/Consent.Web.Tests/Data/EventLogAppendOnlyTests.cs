using Consent.Web.Tests.Infrastructure;
using Npgsql;

namespace Consent.Web.Tests.Data;

/// <summary>
/// The audit trail cannot be changed by the service's database role, only appended to: it owns
/// nothing and holds only SELECT and INSERT on history (events, records, ethics decisions), and of a
/// workflow version it may change only the approval, never its hash. The append-only trigger still
/// stops the owner's plain UPDATE, DELETE and TRUNCATE.
/// </summary>
public sealed class EventLogAppendOnlyTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Theory]
    [InlineData("UPDATE consent_events SET payload = '{\"changed\": true}' WHERE session_id = @s")]
    [InlineData("DELETE FROM consent_events WHERE session_id = @s")]
    [InlineData("TRUNCATE consent_events CASCADE")]
    [InlineData("ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update_or_delete")]
    [InlineData("ALTER TABLE consent_events DISABLE TRIGGER ALL")]
    [InlineData("DROP TRIGGER consent_events_no_update_or_delete ON consent_events")]
    [InlineData("DROP TABLE consent_events CASCADE")]
    [InlineData("UPDATE consent_records SET sha256 = repeat('0', 64) WHERE session_id = @s")]
    [InlineData("DELETE FROM consent_records WHERE session_id = @s")]
    [InlineData("UPDATE workflow_reviews SET comment = 'Approved by nobody' WHERE workflow_id = 'append-only-test'")]
    [InlineData("DELETE FROM workflow_reviews WHERE workflow_id = 'append-only-test'")]
    [InlineData("TRUNCATE workflow_reviews")]
    [InlineData("UPDATE workflow_versions SET hash = repeat('1', 64) WHERE workflow_id = 'append-only-test'")]
    [InlineData("UPDATE workflow_versions SET source_path = 'elsewhere', title_en = 'Other' WHERE workflow_id = 'append-only-test'")]
    [InlineData("UPDATE workflow_versions SET approval = 'Approved', hash = repeat('1', 64) WHERE workflow_id = 'append-only-test'")]
    [InlineData("DELETE FROM workflow_versions WHERE workflow_id = 'append-only-test'")]
    [InlineData("UPDATE system_events SET detail = '{\"changed\": true}'")]
    [InlineData("DELETE FROM system_events")]
    public async Task RuntimeRole_CannotChangeRemoveOrUnguardHistory(string sql)
    {
        await using var db = await factory.OpenDatabaseAsync();
        var session = await InsertSessionWithEventAsync(db);

        await using var change = new NpgsqlCommand(sql, db);
        change.Parameters.AddWithValue("s", session);
        var error = await Assert.ThrowsAsync<PostgresException>(() => change.ExecuteNonQueryAsync());

        // Refused for want of privilege, before the trigger is even reached.
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.DoesNotContain("append-only", error.MessageText, StringComparison.Ordinal);
        await using var check = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM consent_events WHERE session_id = @s AND payload = '{}'::jsonb),
                   (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'consent_events'::regclass AND NOT tgisinternal AND tgenabled = 'O')
            """, db);
        check.Parameters.AddWithValue("s", session);
        await using var reader = await check.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(1L, reader.GetInt64(0));
        Assert.Equal(2L, reader.GetInt64(1));
    }

    [Fact]
    public async Task RuntimeRole_OwnsNothing_IsNoSuperuser_AndHoldsOnlySelectAndInsertOnHistory()
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand("""
            SELECT current_user::text, r.rolsuper, r.rolcreaterole, r.rolcreatedb,
                   (SELECT count(*) FROM pg_class WHERE relowner = r.oid) + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid)
                     + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid),
                   (SELECT string_agg(privilege_type, ',' ORDER BY privilege_type) FROM information_schema.role_table_grants
                     WHERE grantee = current_user AND table_name = 'consent_events'),
                   (SELECT string_agg(privilege_type, ',' ORDER BY privilege_type) FROM information_schema.role_table_grants
                     WHERE grantee = current_user AND table_name = 'consent_records'),
                   (SELECT string_agg(privilege_type, ',' ORDER BY privilege_type) FROM information_schema.role_table_grants
                     WHERE grantee = current_user AND table_name = '__EFMigrationsHistory'),
                   (SELECT string_agg(privilege_type, ',' ORDER BY privilege_type) FROM information_schema.role_table_grants
                     WHERE grantee = current_user AND table_name = 'workflow_reviews'),
                   (SELECT string_agg(privilege_type, ',' ORDER BY privilege_type) FROM information_schema.role_table_grants
                     WHERE grantee = current_user AND table_name = 'workflow_versions'),
                   (SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.column_privileges
                     WHERE grantee = current_user AND table_name = 'workflow_versions' AND privilege_type = 'UPDATE')
            FROM pg_roles r WHERE r.rolname = current_user
            """, db);
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.Equal(ConsentWebFactory.RuntimeRole, reader.GetString(0));
        Assert.False(reader.GetBoolean(1));
        Assert.False(reader.GetBoolean(2));
        Assert.False(reader.GetBoolean(3));
        Assert.Equal(0L, reader.GetInt64(4));
        Assert.Equal("INSERT,SELECT", reader.GetString(5));
        Assert.Equal("INSERT,SELECT", reader.GetString(6));
        Assert.Equal("SELECT", reader.GetString(7));
        Assert.Equal("INSERT,SELECT", reader.GetString(8));
        Assert.Equal("INSERT,SELECT", reader.GetString(9));
        Assert.Equal("approval", reader.GetString(10));
    }

    /// <summary>What the service does to ethics decisions and versions: adds a decision, changes a version's approval.</summary>
    [Fact]
    public async Task ServiceRole_CanStillRecordADecision_AndChangeAnApproval()
    {
        await using var db = await factory.OpenDatabaseAsync();
        await InsertSessionWithEventAsync(db);
        await using var decide = new NpgsqlCommand("""
            UPDATE workflow_versions SET approval = 'Retired' WHERE workflow_id = 'append-only-test' AND version = 1;
            INSERT INTO workflow_reviews (workflow_id, version, decision, comment, reviewer_id, decided_at)
            VALUES ('append-only-test', 1, 'Retired', 'Superseded.', gen_random_uuid(), now());
            """, db);
        Assert.Equal(2, await decide.ExecuteNonQueryAsync());
    }

    [Theory]
    [InlineData("UPDATE consent_events SET payload = '{\"changed\": true}' WHERE session_id = @s")]
    [InlineData("DELETE FROM consent_events WHERE session_id = @s")]
    [InlineData("TRUNCATE consent_events CASCADE")]
    public async Task TheTrigger_StillStopsTheOwnersUpdateDeleteAndTruncate(string sql)
    {
        await using var db = await factory.OpenOwnerDatabaseAsync();
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
        await using var sql = new NpgsqlCommand($$"""
            INSERT INTO workflow_versions (workflow_id, version, hash, source_path, title_en, languages, approval, first_loaded_at)
            VALUES ('append-only-test', 1, repeat('0', 64), 'x', 'x', '{en}', 'Approved', now()) ON CONFLICT DO NOTHING;
            {{SyntheticPatient.Ensure}}
            INSERT INTO consent_sessions (id, workflow_id, workflow_version, workflow_hash, language, status, patient_name,
                patient_date_of_birth, link_token_hash, expires_at, created_by, created_at, updated_at, last_seq, last_hash, patient_id)
            VALUES (@id, 'append-only-test', 1, repeat('0', 64), 'en', 'Invited', 'Test Patient', '1970-01-01',
                md5(@id::text) || md5(@id::text), now() + interval '1 day', gen_random_uuid(), now(), now(), 1, 'h', '{{SyntheticPatient.Id}}');
            INSERT INTO consent_events (session_id, seq, type, payload, actor, at, prev_hash, hash)
            VALUES (@id, 1, 'SessionCreated', '{}', 'test', now(), '', 'h');
            """, db);
        sql.Parameters.AddWithValue("id", id);
        await sql.ExecuteNonQueryAsync();
        return id;
    }
}

using Npgsql;

namespace Consent.Web.Tests.CdsHooks;

/// <summary>
/// Check-in sessions written straight into <c>consent_sessions</c>, for the gate's read side only: the gate reads a
/// check-in's status and its clearing time (<c>completed_at</c>) and nothing else, so these rows carry no events.
/// </summary>
public static class CheckinRows
{
    public static async Task InsertAsync(CdsFactory factory, Guid patientId, string status, DateTimeOffset createdAt, DateTimeOffset? clearedAt)
    {
        await using var connection = new NpgsqlConnection(factory.OwnerConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO consent_sessions (id, workflow_id, workflow_version, workflow_hash, language, status, patient_name,
                patient_date_of_birth, link_token_hash, expires_at, created_by, created_at, updated_at, completed_at, last_seq, last_hash, patient_id)
            VALUES (gen_random_uuid(), $1, 1, repeat('c', 64), 'en', $2, 'Check-in row', date '1975-06-30', encode(sha256(gen_random_uuid()::text::bytea), 'hex'),
                $3 + interval '1 day', gen_random_uuid(), $3, coalesce($4, $3), $4, 0, repeat('0', 64), $5)
            """, connection);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = CdsFactory.CheckinWorkflow });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = createdAt });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)clearedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = patientId });
        await insert.ExecuteNonQueryAsync();
    }
}

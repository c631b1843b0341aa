using Microsoft.EntityFrameworkCore.Migrations;

#nullable enable

namespace Consent.Web.Data.Migrations
{
    /// <summary>
    /// Makes <c>consent_events</c> append-only: UPDATE, DELETE and TRUNCATE raise an error for every
    /// role while the triggers are enabled. The triggers do not stop the table's owner (superuser or
    /// not) or a superuser: either can disable or drop them. So the service connects as a runtime
    /// role that owns nothing and holds only SELECT and INSERT on the table (Hosting/DatabaseRoles),
    /// and each signed record carries the chain head it covers, so a chain rewritten with recomputed
    /// hashes no longer agrees with its record (docs/event-log.md).
    /// </summary>
    public partial class AppendOnlyEvents : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION consent_events_append_only() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'consent_events is append-only: % is not allowed', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END;
                $$;
                CREATE TRIGGER consent_events_no_update_or_delete
                    BEFORE UPDATE OR DELETE ON consent_events
                    FOR EACH ROW EXECUTE FUNCTION consent_events_append_only();
                CREATE TRIGGER consent_events_no_truncate
                    BEFORE TRUNCATE ON consent_events
                    FOR EACH STATEMENT EXECUTE FUNCTION consent_events_append_only();
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER consent_events_no_truncate ON consent_events;
                DROP TRIGGER consent_events_no_update_or_delete ON consent_events;
                DROP FUNCTION consent_events_append_only();
                """);
        }
    }
}

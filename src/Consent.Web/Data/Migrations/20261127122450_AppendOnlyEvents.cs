using Microsoft.EntityFrameworkCore.Migrations;

#nullable enable

namespace Consent.Web.Data.Migrations
{
    /// <summary>
    /// Makes <c>consent_events</c> append-only for every role that is not a superuser: UPDATE, DELETE
    /// and TRUNCATE raise an error. Only a superuser that deliberately disables the trigger can
    /// change history, and the hash chain then reports the change.
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

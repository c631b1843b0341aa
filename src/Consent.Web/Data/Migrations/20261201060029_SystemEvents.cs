using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consent.Web.Data.Migrations
{
    /// <summary>
    /// The system audit trail (SystemEvents/, docs/system-events.md): staff actions and staff reads of patient data,
    /// one hash chain across the service (21 CFR 11.10(e); 45 CFR 164.312(b)). Append-only like consent_events: the
    /// runtime role holds only SELECT and INSERT (Data/AppendOnlyTables), and a trigger refuses UPDATE, DELETE and
    /// TRUNCATE to every role while it is enabled.
    /// </summary>
    public partial class SystemEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "system_events",
                columns: table => new
                {
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    type = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    actor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    actor_email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: true),
                    session_id = table.Column<Guid>(type: "uuid", nullable: true),
                    detail = table.Column<string>(type: "jsonb", nullable: false),
                    ip = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    user_agent = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    prev_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_system_events", x => x.seq);
                });

            migrationBuilder.CreateIndex(
                name: "ix_system_events_at",
                table: "system_events",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_system_events_patient_id",
                table: "system_events",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_system_events_session_id",
                table: "system_events",
                column: "session_id");

            migrationBuilder.Sql("""
                CREATE FUNCTION system_events_append_only() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'system_events is append-only: % is not allowed', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END;
                $$;
                CREATE TRIGGER system_events_no_update_or_delete
                    BEFORE UPDATE OR DELETE ON system_events
                    FOR EACH ROW EXECUTE FUNCTION system_events_append_only();
                CREATE TRIGGER system_events_no_truncate
                    BEFORE TRUNCATE ON system_events
                    FOR EACH STATEMENT EXECUTE FUNCTION system_events_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE system_events; DROP FUNCTION system_events_append_only();");
        }
    }
}

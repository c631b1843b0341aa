using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consent.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class RecordEvidence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "record_evidence",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    record_id = table.Column<Guid>(type: "uuid", nullable: false),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    appended = table.Column<byte[]>(type: "bytea", nullable: false),
                    sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    level = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    added = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    timestamp_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    timestamp_digest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_record_evidence", x => x.id);
                    table.ForeignKey(
                        name: "fk_record_evidence_records_record_id",
                        column: x => x.record_id,
                        principalTable: "consent_records",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_record_evidence_record_id_version",
                table: "record_evidence",
                columns: new[] { "record_id", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_record_evidence_session_id",
                table: "record_evidence",
                column: "session_id");

            migrationBuilder.CreateIndex(
                name: "ix_record_evidence_sha256",
                table: "record_evidence",
                column: "sha256");

            // History, as the records are (AppendOnlyTables): each version appends to the file of the one before.
            migrationBuilder.Sql("""
                CREATE FUNCTION record_evidence_append_only() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'record_evidence is append-only: % is not allowed', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END;
                $$;
                CREATE TRIGGER record_evidence_no_update_or_delete
                    BEFORE UPDATE OR DELETE ON record_evidence
                    FOR EACH ROW EXECUTE FUNCTION record_evidence_append_only();
                CREATE TRIGGER record_evidence_no_truncate
                    BEFORE TRUNCATE ON record_evidence
                    FOR EACH STATEMENT EXECUTE FUNCTION record_evidence_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS record_evidence_no_truncate ON record_evidence; DROP TRIGGER IF EXISTS record_evidence_no_update_or_delete ON record_evidence;");

            migrationBuilder.DropTable(
                name: "record_evidence");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS record_evidence_append_only();");
        }
    }
}

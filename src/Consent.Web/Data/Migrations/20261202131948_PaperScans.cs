using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consent.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class PaperScans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "paper_scans",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    content_type = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    pages = table.Column<int>(type: "integer", nullable: false),
                    uploaded_by = table.Column<Guid>(type: "uuid", nullable: false),
                    uploaded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_paper_scans", x => x.id);
                    table.ForeignKey(
                        name: "fk_paper_scans_consent_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "consent_sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_paper_scans_session_id_sha256",
                table: "paper_scans",
                columns: new[] { "session_id", "sha256" },
                unique: true);

            // History, as the event log is (AppendOnlyTables): the chain names each scan by its SHA-256.
            migrationBuilder.Sql("""
                CREATE FUNCTION paper_scans_append_only() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'paper_scans is append-only: % is not allowed', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END;
                $$;
                CREATE TRIGGER paper_scans_no_update_or_delete
                    BEFORE UPDATE OR DELETE ON paper_scans
                    FOR EACH ROW EXECUTE FUNCTION paper_scans_append_only();
                CREATE TRIGGER paper_scans_no_truncate
                    BEFORE TRUNCATE ON paper_scans
                    FOR EACH STATEMENT EXECUTE FUNCTION paper_scans_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS paper_scans_no_truncate ON paper_scans; DROP TRIGGER IF EXISTS paper_scans_no_update_or_delete ON paper_scans;");

            migrationBuilder.DropTable(
                name: "paper_scans");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS paper_scans_append_only();");
        }
    }
}

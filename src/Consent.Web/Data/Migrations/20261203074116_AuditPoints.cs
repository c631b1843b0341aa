using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Consent.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class AuditPoints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_points",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    last_seq = table.Column<long>(type: "bigint", nullable: false),
                    last_hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    verified = table.Column<bool>(type: "boolean", nullable: false),
                    verified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    seal_key = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    seal = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_points", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_points_session_id_id",
                table: "audit_points",
                columns: new[] { "session_id", "id" });

            // History, as the event log is (AppendOnlyTables): an audit point is never changed or removed.
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_points_append_only() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END;
                $$;
                CREATE TRIGGER audit_points_no_update_or_delete
                    BEFORE UPDATE OR DELETE ON audit_points
                    FOR EACH ROW EXECUTE FUNCTION audit_points_append_only();
                CREATE TRIGGER audit_points_no_truncate
                    BEFORE TRUNCATE ON audit_points
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_points_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS audit_points_no_truncate ON audit_points;
                DROP TRIGGER IF EXISTS audit_points_no_update_or_delete ON audit_points;
                """);

            migrationBuilder.DropTable(
                name: "audit_points");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS audit_points_append_only();");
        }
    }
}

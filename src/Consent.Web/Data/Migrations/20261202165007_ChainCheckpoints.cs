using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consent.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ChainCheckpoints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "chain_checkpoints",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    previous_root = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    tree_root = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    root = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    leaf_count = table.Column<int>(type: "integer", nullable: false),
                    system_seq = table.Column<long>(type: "bigint", nullable: false),
                    system_hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    timestamp_token = table.Column<byte[]>(type: "bytea", nullable: false),
                    timestamped_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    timestamp_authority = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chain_checkpoints", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "chain_checkpoint_leaves",
                columns: table => new
                {
                    checkpoint_id = table.Column<long>(type: "bigint", nullable: false),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    last_seq = table.Column<long>(type: "bigint", nullable: false),
                    last_hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chain_checkpoint_leaves", x => new { x.checkpoint_id, x.session_id });
                    table.ForeignKey(
                        name: "fk_chain_checkpoint_leaves_chain_checkpoints_checkpoint_id",
                        column: x => x.checkpoint_id,
                        principalTable: "chain_checkpoints",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_chain_checkpoint_leaves_session_id_checkpoint_id",
                table: "chain_checkpoint_leaves",
                columns: new[] { "session_id", "checkpoint_id" });

            migrationBuilder.CreateIndex(
                name: "ix_chain_checkpoints_root",
                table: "chain_checkpoints",
                column: "root",
                unique: true);

            // History, as the event log is (AppendOnlyTables): a checkpoint and its leaves are never changed or removed.
            migrationBuilder.Sql("""
                CREATE FUNCTION chain_checkpoints_append_only() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END;
                $$;
                CREATE TRIGGER chain_checkpoints_no_update_or_delete
                    BEFORE UPDATE OR DELETE ON chain_checkpoints
                    FOR EACH ROW EXECUTE FUNCTION chain_checkpoints_append_only();
                CREATE TRIGGER chain_checkpoints_no_truncate
                    BEFORE TRUNCATE ON chain_checkpoints
                    FOR EACH STATEMENT EXECUTE FUNCTION chain_checkpoints_append_only();
                CREATE TRIGGER chain_checkpoint_leaves_no_update_or_delete
                    BEFORE UPDATE OR DELETE ON chain_checkpoint_leaves
                    FOR EACH ROW EXECUTE FUNCTION chain_checkpoints_append_only();
                CREATE TRIGGER chain_checkpoint_leaves_no_truncate
                    BEFORE TRUNCATE ON chain_checkpoint_leaves
                    FOR EACH STATEMENT EXECUTE FUNCTION chain_checkpoints_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS chain_checkpoint_leaves_no_truncate ON chain_checkpoint_leaves;
                DROP TRIGGER IF EXISTS chain_checkpoint_leaves_no_update_or_delete ON chain_checkpoint_leaves;
                DROP TRIGGER IF EXISTS chain_checkpoints_no_truncate ON chain_checkpoints;
                DROP TRIGGER IF EXISTS chain_checkpoints_no_update_or_delete ON chain_checkpoints;
                """);

            migrationBuilder.DropTable(
                name: "chain_checkpoint_leaves");

            migrationBuilder.DropTable(
                name: "chain_checkpoints");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS chain_checkpoints_append_only();");
        }
    }
}

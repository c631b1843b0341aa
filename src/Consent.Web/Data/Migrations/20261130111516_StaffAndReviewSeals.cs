using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Consent.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class StaffAndReviewSeals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_workflow_reviews_workflow_id_version",
                table: "workflow_reviews");

            migrationBuilder.AddColumn<string>(
                name: "seal",
                table: "workflow_reviews",
                type: "character varying(96)",
                maxLength: 96,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "seq",
                table: "workflow_reviews",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "account_seal",
                table: "AspNetUsers",
                type: "character varying(96)",
                maxLength: 96,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "staff_account_seals",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    seal = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    sealed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    entry_seal = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_staff_account_seals", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_workflow_reviews_workflow_id_version_seq",
                table: "workflow_reviews",
                columns: new[] { "workflow_id", "version", "seq" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_staff_account_seals_user_id_seq",
                table: "staff_account_seals",
                columns: new[] { "user_id", "seq" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "staff_account_seals");

            migrationBuilder.DropIndex(
                name: "ix_workflow_reviews_workflow_id_version_seq",
                table: "workflow_reviews");

            migrationBuilder.DropColumn(
                name: "seal",
                table: "workflow_reviews");

            migrationBuilder.DropColumn(
                name: "seq",
                table: "workflow_reviews");

            migrationBuilder.DropColumn(
                name: "account_seal",
                table: "AspNetUsers");

            migrationBuilder.CreateIndex(
                name: "ix_workflow_reviews_workflow_id_version",
                table: "workflow_reviews",
                columns: new[] { "workflow_id", "version" });
        }
    }
}

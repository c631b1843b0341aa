using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consent.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class StaffAccountLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "account_link_expires_at",
                table: "AspNetUsers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "account_link_hash",
                table: "AspNetUsers",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "account_link_purpose",
                table: "AspNetUsers",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "password_changed_at",
                table: "AspNetUsers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "training_attestation_hash",
                table: "AspNetUsers",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "training_attestation_language",
                table: "AspNetUsers",
                type: "character varying(8)",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "training_attested_at",
                table: "AspNetUsers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "staff_sign_ins",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    second_factor = table.Column<bool>(type: "boolean", nullable: false),
                    first_signature_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_staff_sign_ins", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_staff_sign_ins_started_at",
                table: "staff_sign_ins",
                column: "started_at");

            migrationBuilder.CreateIndex(
                name: "ix_staff_sign_ins_user_id",
                table: "staff_sign_ins",
                column: "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "staff_sign_ins");

            migrationBuilder.DropColumn(
                name: "account_link_expires_at",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "account_link_hash",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "account_link_purpose",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "password_changed_at",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "training_attestation_hash",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "training_attestation_language",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "training_attested_at",
                table: "AspNetUsers");
        }
    }
}

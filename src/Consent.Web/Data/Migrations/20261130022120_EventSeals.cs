using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consent.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class EventSeals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "seal",
                table: "consent_events",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "seal_key",
                table: "consent_events",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "seal",
                table: "consent_events");

            migrationBuilder.DropColumn(
                name: "seal_key",
                table: "consent_events");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consent.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ScaleIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_consent_sessions_created_at",
                table: "consent_sessions",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_consent_events_record_issued",
                table: "consent_events",
                column: "session_id",
                filter: "type = 'RecordIssued'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_consent_sessions_created_at",
                table: "consent_sessions");

            migrationBuilder.DropIndex(
                name: "ix_consent_events_record_issued",
                table: "consent_events");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consent.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class WorkflowReviewSeals : Migration
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

            migrationBuilder.CreateIndex(
                name: "ix_workflow_reviews_workflow_id_version_seq",
                table: "workflow_reviews",
                columns: new[] { "workflow_id", "version", "seq" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_workflow_reviews_workflow_id_version_seq",
                table: "workflow_reviews");

            migrationBuilder.DropColumn(
                name: "seal",
                table: "workflow_reviews");

            migrationBuilder.DropColumn(
                name: "seq",
                table: "workflow_reviews");

            migrationBuilder.CreateIndex(
                name: "ix_workflow_reviews_workflow_id_version",
                table: "workflow_reviews",
                columns: new[] { "workflow_id", "version" });
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consent.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class TwoFactorEnrolmentCode : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "two_factor_enrolment_code_expires_at",
                table: "AspNetUsers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "two_factor_enrolment_code_hash",
                table: "AspNetUsers",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "two_factor_enrolment_code_expires_at",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "two_factor_enrolment_code_hash",
                table: "AspNetUsers");
        }
    }
}

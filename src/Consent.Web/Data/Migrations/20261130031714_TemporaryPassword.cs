using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consent.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class TemporaryPassword : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "temporary_password_expires_at",
                table: "AspNetUsers",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "temporary_password_expires_at",
                table: "AspNetUsers");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consent.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class AuthenticatorCodeUsedOnce : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "last_authenticator_step",
                table: "AspNetUsers",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "last_authenticator_step",
                table: "AspNetUsers");
        }
    }
}

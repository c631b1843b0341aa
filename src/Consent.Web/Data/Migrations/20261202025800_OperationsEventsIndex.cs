using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consent.Web.Data.Migrations
{
    /// <summary>
    /// A small partial index over the operations events of the system audit trail, so start-up finds the last recorded
    /// signing certificate without reading back through every staff read (SystemEvents/OperationsEvents.cs).
    /// </summary>
    public partial class OperationsEventsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("CREATE INDEX ix_system_events_operations ON system_events (type, seq) WHERE type LIKE 'operations.%';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_system_events_operations;");
        }
    }
}

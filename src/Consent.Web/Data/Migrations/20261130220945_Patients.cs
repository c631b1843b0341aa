using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Consent.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Patients : Migration
    {
        internal const string BackfillSql = """
            CREATE TEMPORARY TABLE patient_groups ON COMMIT DROP AS
            SELECT gen_random_uuid() AS id, newest.*
            FROM (
                SELECT DISTINCT ON (upper(patient_mrn), patient_date_of_birth)
                    upper(patient_mrn) AS mrn_key, patient_mrn AS mrn, patient_date_of_birth AS dob, patient_name AS name,
                    patient_email AS email, language,
                    max(created_at) OVER w AS last_at, min(created_at) OVER w AS first_at,
                    first_value(created_by) OVER (w ORDER BY created_at, id) AS first_by
                FROM consent_sessions
                WHERE patient_mrn IS NOT NULL
                WINDOW w AS (PARTITION BY upper(patient_mrn), patient_date_of_birth)
                ORDER BY upper(patient_mrn), patient_date_of_birth, created_at DESC, id DESC
            ) AS newest;

            INSERT INTO patients (id, name, date_of_birth, mrn, email, preferred_language, created_by, created_at, updated_at)
            SELECT id, name, dob,
                CASE WHEN row_number() OVER (PARTITION BY mrn_key ORDER BY last_at DESC, id) = 1 THEN mrn END,
                email, language, first_by, first_at, last_at
            FROM patient_groups;

            UPDATE consent_sessions AS s SET patient_id = g.id
            FROM patient_groups AS g
            WHERE upper(s.patient_mrn) = g.mrn_key AND s.patient_date_of_birth = g.dob;

            CREATE TEMPORARY TABLE lone_sessions ON COMMIT DROP AS
            SELECT id AS session_id, gen_random_uuid() AS patient_id FROM consent_sessions WHERE patient_mrn IS NULL;

            INSERT INTO patients (id, name, date_of_birth, mrn, email, preferred_language, created_by, created_at, updated_at)
            SELECT l.patient_id, s.patient_name, s.patient_date_of_birth, NULL, s.patient_email, s.language, s.created_by, s.created_at, s.created_at
            FROM lone_sessions AS l JOIN consent_sessions AS s ON s.id = l.session_id;

            UPDATE consent_sessions AS s SET patient_id = l.patient_id
            FROM lone_sessions AS l
            WHERE s.id = l.session_id;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "patient_id",
                table: "consent_sessions",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.CreateTable(
                name: "patients",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    name_folded = table.Column<string>(type: "text", nullable: false, computedColumnSql: "translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZÁÀÂÄÃÅĀáàâäãåāÉÈÊËĒéèêëēÍÌÎÏĪíìîïīÓÒÔÖÕØŌóòôöõøōÚÙÛÜŪúùûüūÑñÇçÝýÿ’‘ʼ`´-‐‑–—', 'abcdefghijklmnopqrstuvwxyzaaaaaaaaaaaaaaeeeeeeeeeeiiiiiiiiiioooooooooooooouuuuuuuuuunnccyyy''''''''''     ')", stored: true),
                    date_of_birth = table.Column<DateOnly>(type: "date", nullable: false),
                    mrn = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    preferred_language = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    created_by = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_patients", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "patient_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    changed_by = table.Column<Guid>(type: "uuid", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    changes = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_patient_changes", x => x.id);
                    table.ForeignKey(
                        name: "fk_patient_changes_patients_patient_id",
                        column: x => x.patient_id,
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            // Every existing session gets its patient. Sessions with the same MRN (ignoring capitals) and date
            // of birth share one; a session without an MRN gets one of its own. A patient takes the name, email,
            // language and MRN as typed of their newest session, and the creator and time of their first. Two
            // groups with the same MRN but different dates of birth (a typing error somewhere) cannot both keep
            // it, as an MRN is unique: the group seen most recently keeps it, the other gets none on the patient
            // (each session keeps the MRN it was started with, never changed), for staff to correct.
            migrationBuilder.Sql(BackfillSql);
            migrationBuilder.Sql("ALTER TABLE consent_sessions ALTER COLUMN patient_id DROP DEFAULT;");
            migrationBuilder.Sql("CREATE UNIQUE INDEX ix_patients_mrn_upper ON patients (upper(mrn)) WHERE mrn IS NOT NULL;");

            migrationBuilder.CreateIndex(
                name: "ix_consent_sessions_patient_id_created_at",
                table: "consent_sessions",
                columns: new[] { "patient_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_patient_changes_patient_id_changed_at",
                table: "patient_changes",
                columns: new[] { "patient_id", "changed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_patients_name_id",
                table: "patients",
                columns: new[] { "name", "id" });

            migrationBuilder.AddForeignKey(
                name: "fk_consent_sessions_patients_patient_id",
                table: "consent_sessions",
                column: "patient_id",
                principalTable: "patients",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_patients_mrn_upper;");
            migrationBuilder.DropForeignKey(
                name: "fk_consent_sessions_patients_patient_id",
                table: "consent_sessions");

            migrationBuilder.DropTable(
                name: "patient_changes");

            migrationBuilder.DropTable(
                name: "patients");

            migrationBuilder.DropIndex(
                name: "ix_consent_sessions_patient_id_created_at",
                table: "consent_sessions");

            migrationBuilder.DropColumn(
                name: "patient_id",
                table: "consent_sessions");
        }
    }
}

using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class PatientConfiguration : IEntityTypeConfiguration<Patient>
{
    public void Configure(EntityTypeBuilder<Patient> builder)
    {
        builder.ToTable("patients");
        builder.Property(p => p.Name).HasMaxLength(200);
        builder.Property(p => p.NameFolded).HasComputedColumnSql(UseCases.Sessions.PatientNameSearch.FoldedNameSql("name"), stored: true);
        builder.Property(p => p.Mrn).HasMaxLength(64);
        builder.Property(p => p.Email).HasMaxLength(254);
        builder.Property(p => p.PreferredLanguage).HasMaxLength(10);
        // Unique ignoring capitals: ix_patients_mrn_upper on upper(mrn), an expression index the migration makes
        // in SQL (EF Core's model cannot state it); PatientRegistry's insert names it in ON CONFLICT.
        builder.Property(p => p.RowVersion).IsRowVersion();
        builder.HasIndex(p => new { p.Name, p.Id });
    }
}

internal sealed class PatientChangeConfiguration : IEntityTypeConfiguration<PatientChange>
{
    public void Configure(EntityTypeBuilder<PatientChange> builder)
    {
        builder.ToTable("patient_changes");
        builder.Property(c => c.Reason).HasMaxLength(500);
        builder.Property(c => c.Changes).HasColumnType("jsonb");
        builder.HasIndex(c => new { c.PatientId, c.ChangedAt });
        builder.HasOne<Patient>().WithMany().HasForeignKey(c => c.PatientId).OnDelete(DeleteBehavior.Restrict);
    }
}

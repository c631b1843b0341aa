using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class ConsentRenewalConfiguration : IEntityTypeConfiguration<ConsentRenewal>
{
    public void Configure(EntityTypeBuilder<ConsentRenewal> builder)
    {
        builder.ToTable("consent_renewals");
        builder.Property(r => r.WorkflowId).HasMaxLength(100);
        builder.Property(r => r.Kind).HasMaxLength(20);
        builder.Property(r => r.RecordSha256).HasMaxLength(64);
        builder.Property(r => r.Reason).HasMaxLength(500);
        builder.Property(r => r.Resolution).HasMaxLength(200);
        // One renewal per consent and kind: the job raises it once, however often it runs.
        builder.HasIndex(r => new { r.SessionId, r.Kind }).IsUnique();
        // The open ones, per clinician ("Needs you") and for the clinic's list.
        builder.HasIndex(r => new { r.ClinicianId, r.RaisedAt }).HasFilter("resolved_at IS NULL");
        builder.HasIndex(r => r.PatientId);
        builder.HasOne<Patient>().WithMany().HasForeignKey(r => r.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ConsentSession>().WithMany().HasForeignKey(r => r.SessionId).OnDelete(DeleteBehavior.Restrict);
    }
}

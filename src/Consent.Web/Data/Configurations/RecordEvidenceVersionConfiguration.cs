using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class RecordEvidenceVersionConfiguration : IEntityTypeConfiguration<RecordEvidenceVersion>
{
    public void Configure(EntityTypeBuilder<RecordEvidenceVersion> builder)
    {
        builder.ToTable("record_evidence");
        builder.Property(r => r.Kind).HasMaxLength(30);
        builder.Property(r => r.Sha256).HasMaxLength(64).IsFixedLength();
        builder.Property(r => r.Level).HasMaxLength(8);
        builder.Property(r => r.Added).HasMaxLength(500);
        builder.Property(r => r.TimestampDigest).HasMaxLength(64);
        builder.HasIndex(r => new { r.RecordId, r.Version }).IsUnique();
        builder.HasIndex(r => r.Sha256);
        builder.HasIndex(r => r.SessionId);
        builder.HasOne<StoredRecord>().WithMany()
            .HasForeignKey(r => r.RecordId)
            .OnDelete(DeleteBehavior.Restrict);
    }
}

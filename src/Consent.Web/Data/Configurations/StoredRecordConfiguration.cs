using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class StoredRecordConfiguration : IEntityTypeConfiguration<StoredRecord>
{
    public void Configure(EntityTypeBuilder<StoredRecord> builder)
    {
        builder.ToTable("consent_records");
        builder.Property(r => r.Kind).HasMaxLength(30);
        builder.Property(r => r.Sha256).HasMaxLength(64).IsFixedLength();
        builder.HasIndex(r => new { r.SessionId, r.Kind }).IsUnique();
        builder.HasIndex(r => r.Sha256);
        builder.HasIndex(r => r.IssuedAt);
        builder.HasOne<ConsentSession>().WithMany()
            .HasForeignKey(r => r.SessionId)
            .OnDelete(DeleteBehavior.Restrict);
    }
}

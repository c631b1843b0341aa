using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class PaperScanConfiguration : IEntityTypeConfiguration<PaperScan>
{
    public void Configure(EntityTypeBuilder<PaperScan> builder)
    {
        builder.ToTable("paper_scans");
        builder.Property(p => p.ContentType).HasMaxLength(30);
        builder.Property(p => p.Sha256).HasMaxLength(64).IsFixedLength();
        builder.HasIndex(p => new { p.SessionId, p.Sha256 }).IsUnique();
        builder.HasOne<ConsentSession>().WithMany()
            .HasForeignKey(p => p.SessionId)
            .OnDelete(DeleteBehavior.Restrict);
    }
}

using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class StaffAccountSealEntryConfiguration : IEntityTypeConfiguration<StaffAccountSealEntry>
{
    public void Configure(EntityTypeBuilder<StaffAccountSealEntry> builder)
    {
        builder.ToTable("staff_account_seals");
        builder.Property(e => e.Seal).HasMaxLength(96);
        builder.Property(e => e.EntrySeal).HasMaxLength(96);
        builder.HasIndex(e => new { e.UserId, e.Seq }).IsUnique();
    }
}

using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class IdempotencyEntryConfiguration : IEntityTypeConfiguration<IdempotencyEntry>
{
    public void Configure(EntityTypeBuilder<IdempotencyEntry> builder)
    {
        builder.ToTable("idempotency_keys");
        builder.HasKey(i => new { i.SessionId, i.Key });
        builder.Property(i => i.Key).HasMaxLength(100);
        builder.Property(i => i.RequestHash).HasMaxLength(64);
        // text, not jsonb: a replayed answer must be byte-for-byte the first one.
        builder.Property(i => i.ResponseBody).HasColumnType("text");
    }
}

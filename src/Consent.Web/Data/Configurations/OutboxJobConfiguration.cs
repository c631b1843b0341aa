using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class OutboxJobConfiguration : IEntityTypeConfiguration<OutboxJob>
{
    public void Configure(EntityTypeBuilder<OutboxJob> builder)
    {
        builder.ToTable("outbox_jobs");
        builder.Property(j => j.Kind).HasMaxLength(50);
        builder.Property(j => j.Payload).HasColumnType("jsonb");
        builder.Property(j => j.LeasedBy).HasMaxLength(100);
        builder.Property(j => j.LastError).HasMaxLength(2000);
        // Pending jobs are found by this partial index; finished ones never slow the claim query.
        builder.HasIndex(j => j.NotBefore).HasFilter("completed_at IS NULL");
        builder.HasIndex(j => new { j.Kind, j.SessionId });
    }
}

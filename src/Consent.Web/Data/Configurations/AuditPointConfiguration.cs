using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class AuditPointConfiguration : IEntityTypeConfiguration<AuditPoint>
{
    public void Configure(EntityTypeBuilder<AuditPoint> builder)
    {
        builder.ToTable("audit_points");
        builder.Property(p => p.Id).UseIdentityByDefaultColumn();
        builder.Property(p => p.LastHash).HasMaxLength(64).IsFixedLength();
        builder.Property(p => p.SealKey).HasMaxLength(16);
        builder.Property(p => p.Seal).HasMaxLength(64).IsFixedLength();
        // A session's latest point is its highest id: found through this index, one probe per session.
        builder.HasIndex(p => new { p.SessionId, p.Id });
        // No foreign key to consent_sessions, as for the checkpoint leaves: checking it would lock each session row.
    }
}

using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class ChainCheckpointConfiguration : IEntityTypeConfiguration<ChainCheckpoint>
{
    public void Configure(EntityTypeBuilder<ChainCheckpoint> builder)
    {
        builder.ToTable("chain_checkpoints");
        // Assigned by the service as the previous id + 1, so two nodes can never both make checkpoint n.
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.PreviousRoot).HasMaxLength(64).IsFixedLength();
        builder.Property(c => c.TreeRoot).HasMaxLength(64).IsFixedLength();
        builder.Property(c => c.Root).HasMaxLength(64).IsFixedLength();
        builder.Property(c => c.SystemHash).HasMaxLength(64).IsFixedLength();
        builder.Property(c => c.TimestampAuthority).HasMaxLength(1024);
        builder.HasIndex(c => c.Root).IsUnique();
    }
}

internal sealed class ChainCheckpointLeafConfiguration : IEntityTypeConfiguration<ChainCheckpointLeaf>
{
    public void Configure(EntityTypeBuilder<ChainCheckpointLeaf> builder)
    {
        builder.ToTable("chain_checkpoint_leaves");
        builder.HasKey(l => new { l.CheckpointId, l.SessionId });
        builder.Property(l => l.LastHash).HasMaxLength(64).IsFixedLength();
        // A session's latest anchored head is found by this index (the maker's "changed since" and every check).
        builder.HasIndex(l => new { l.SessionId, l.CheckpointId });
        builder.HasOne<ChainCheckpoint>().WithMany().HasForeignKey(l => l.CheckpointId).OnDelete(DeleteBehavior.Restrict);
        // No foreign key to consent_sessions: checking it would lock each session row (FOR KEY SHARE), making session
        // writers wait for the checkpoint and the checkpoint's snapshot fail on a session written meanwhile.
    }
}

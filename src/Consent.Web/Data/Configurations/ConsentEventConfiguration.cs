using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class ConsentEventConfiguration : IEntityTypeConfiguration<ConsentEvent>
{
    public void Configure(EntityTypeBuilder<ConsentEvent> builder)
    {
        builder.ToTable("consent_events");
        builder.HasIndex(e => new { e.SessionId, e.Seq }).IsUnique();
        // The export's "a RecordIssued event names this record" (SignedRecords/RecordExport.cs): one small entry per issued
        // record. Without it PostgreSQL scanned the whole event table for each export, 7 s at 10 million events.
        builder.HasIndex(e => e.SessionId).HasFilter("type = 'RecordIssued'").HasDatabaseName("ix_consent_events_record_issued");
        builder.Property(e => e.Type).HasMaxLength(60);
        builder.Property(e => e.StepId).HasMaxLength(100);
        builder.Property(e => e.Payload).HasColumnType("jsonb");
        builder.Property(e => e.ContentHash).HasMaxLength(64);
        builder.Property(e => e.Actor).HasMaxLength(100);
        builder.Property(e => e.Ip).HasMaxLength(64);
        builder.Property(e => e.UserAgent).HasMaxLength(512);
        builder.Property(e => e.PrevHash).HasMaxLength(64);
        builder.Property(e => e.Hash).HasMaxLength(64);
        builder.Property(e => e.SealKey).HasMaxLength(16);
        builder.Property(e => e.Seal).HasMaxLength(64);
        builder.HasOne<ConsentSession>().WithMany()
            .HasForeignKey(e => e.SessionId)
            .OnDelete(DeleteBehavior.Restrict);
    }
}

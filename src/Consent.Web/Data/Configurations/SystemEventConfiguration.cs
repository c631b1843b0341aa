using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class SystemEventConfiguration : IEntityTypeConfiguration<SystemEvent>
{
    public void Configure(EntityTypeBuilder<SystemEvent> builder)
    {
        builder.ToTable("system_events");
        builder.HasKey(e => e.Seq);
        builder.Property(e => e.Seq).ValueGeneratedNever();
        builder.Property(e => e.Type).HasMaxLength(60);
        builder.Property(e => e.Actor).HasMaxLength(100);
        builder.Property(e => e.ActorEmail).HasMaxLength(256);
        builder.Property(e => e.Detail).HasColumnType("jsonb");
        builder.Property(e => e.Ip).HasMaxLength(64);
        builder.Property(e => e.UserAgent).HasMaxLength(512);
        builder.Property(e => e.PrevHash).HasMaxLength(64);
        builder.Property(e => e.Hash).HasMaxLength(64);
        builder.HasIndex(e => e.PatientId);
        builder.HasIndex(e => e.SessionId);
        builder.HasIndex(e => e.At);
    }
}

using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class WorkflowVersionConfiguration : IEntityTypeConfiguration<WorkflowVersionEntry>
{
    public void Configure(EntityTypeBuilder<WorkflowVersionEntry> builder)
    {
        builder.ToTable("workflow_versions");
        builder.HasKey(w => new { w.WorkflowId, w.Version });
        builder.Property(w => w.WorkflowId).HasMaxLength(100);
        builder.Property(w => w.Hash).HasMaxLength(64).IsFixedLength();
        builder.Property(w => w.SourcePath).HasMaxLength(300);
        builder.Property(w => w.TitleEn).HasMaxLength(300);
        builder.Property(w => w.Approval).HasConversion<string>().HasMaxLength(20);
        builder.HasMany(w => w.Reviews).WithOne()
            .HasForeignKey(r => new { r.WorkflowId, r.Version })
            .OnDelete(DeleteBehavior.Restrict);
    }
}

using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class WorkflowReviewConfiguration : IEntityTypeConfiguration<WorkflowReview>
{
    public void Configure(EntityTypeBuilder<WorkflowReview> builder)
    {
        builder.ToTable("workflow_reviews");
        builder.Property(r => r.Decision).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Comment).HasMaxLength(2000);
        builder.Property(r => r.Seal).HasMaxLength(96);
        builder.Property(r => r.SignerName).HasMaxLength(200);
        builder.Property(r => r.Meaning).HasMaxLength(100);
        builder.Property(r => r.SignedHash).HasMaxLength(64);
        builder.HasIndex(r => new { r.WorkflowId, r.Version, r.Seq }).IsUnique();
    }
}

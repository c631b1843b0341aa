using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class StaffSignInEntryConfiguration : IEntityTypeConfiguration<StaffSignInEntry>
{
    public void Configure(EntityTypeBuilder<StaffSignInEntry> builder)
    {
        builder.ToTable("staff_sign_ins");
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => s.StartedAt);
        builder.HasIndex(s => s.UserId);
    }
}

using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consent.Web.Data.Configurations;

internal sealed class ClientTokenUseConfiguration : IEntityTypeConfiguration<ClientTokenUse>
{
    public void Configure(EntityTypeBuilder<ClientTokenUse> builder)
    {
        builder.ToTable("client_token_uses");
        // The key is the unique index that makes a replay lose on any node: INSERT … ON CONFLICT DO NOTHING.
        builder.HasKey(u => new { u.Issuer, u.TokenId });
        builder.Property(u => u.Issuer).HasMaxLength(ClientTokenUse.MaxLength);
        builder.Property(u => u.TokenId).HasMaxLength(ClientTokenUse.MaxLength);
        builder.HasIndex(u => u.ExpiresAt);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Consent.Web.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ConsentDbContext>
{
    public ConsentDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ConsentDbContext>()
            .UseNpgsql("Host=localhost;Database=consent_design")
            .UseSnakeCaseNamingConvention()
            .Options);
}

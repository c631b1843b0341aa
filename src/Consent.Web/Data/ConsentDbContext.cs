using Consent.Web.Data.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Data;

/// <summary>The one database context: staff identity, workflows, sessions, the event log, records, outbox.</summary>
public sealed class ConsentDbContext(DbContextOptions<ConsentDbContext> options)
    : IdentityDbContext<StaffUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<WorkflowVersionEntry> WorkflowVersions => Set<WorkflowVersionEntry>();

    public DbSet<WorkflowReview> WorkflowReviews => Set<WorkflowReview>();

    public DbSet<ConsentSession> Sessions => Set<ConsentSession>();

    public DbSet<Patient> Patients => Set<Patient>();

    public DbSet<PatientChange> PatientChanges => Set<PatientChange>();

    public DbSet<ConsentRenewal> Renewals => Set<ConsentRenewal>();

    public DbSet<ConsentEvent> Events => Set<ConsentEvent>();

    public DbSet<IdempotencyEntry> IdempotencyEntries => Set<IdempotencyEntry>();

    public DbSet<StoredRecord> Records => Set<StoredRecord>();

    /// <summary>Versions of the records' long-term evidence (time-stamps, validation data), append-only.</summary>
    public DbSet<RecordEvidenceVersion> RecordEvidence => Set<RecordEvidenceVersion>();

    /// <summary>Scanned paper consent forms (UseCases/Clinician/PaperConsents.cs).</summary>
    public DbSet<PaperScan> PaperScans => Set<PaperScan>();

    public DbSet<OutboxJob> OutboxJobs => Set<OutboxJob>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<StaffAccountSealEntry> StaffAccountSeals => Set<StaffAccountSealEntry>();

    public DbSet<ClientTokenUse> ClientTokenUses => Set<ClientTokenUse>();

    /// <summary>The system audit trail: staff actions and staff reads of patient data (SystemEvents/).</summary>
    public DbSet<SystemEvent> SystemEvents => Set<SystemEvent>();

    /// <summary>Anchored checkpoints of the event chains (Checkpoints/, docs/checkpoints.md).</summary>
    public DbSet<ChainCheckpoint> ChainCheckpoints => Set<ChainCheckpoint>();

    /// <summary>The session heads each checkpoint anchors.</summary>
    public DbSet<ChainCheckpointLeaf> ChainCheckpointLeaves => Set<ChainCheckpointLeaf>();

    /// <summary>The session heads an audit found verified, sealed (Audit/AuditService.cs: the incremental audit).</summary>
    public DbSet<AuditPoint> AuditPoints => Set<AuditPoint>();

    /// <summary>Staff sign-ins and their first signature (Identity/StaffSignatures.cs).</summary>
    public DbSet<StaffSignInEntry> StaffSignIns => Set<StaffSignInEntry>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(ConsentDbContext).Assembly);
        // The name search's accent folding (UseCases/Sessions/PatientNameSearch.cs).
        builder.HasDbFunction(typeof(UseCases.Sessions.PatientNameSearch).GetMethod(nameof(UseCases.Sessions.PatientNameSearch.Translate))!)
            .HasName("translate").IsBuiltIn();
    }
}

using Consent.Web.Identity;
using System.Security.Claims;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.Review;

/// <summary>Workflow versions: the approved list for staff; review, approval and retirement for ethics reviewers (pages and API).</summary>
public sealed class WorkflowReviews(
    ConsentDbContext db, WorkflowRegistry registry, WorkflowApprovals approvals, ReviewSeals seals, ReviewSignatures signatures, TimeProvider clock,
    SystemEvents.SystemAudit audit, Identity.StaffSignatures staffSignatures)
{
    public async Task<List<WorkflowSummary>> ListApprovedAsync(CancellationToken ct)
    {
        var approved = (await approvals.ApprovedAsync(null, ct)).OrderBy(w => w.WorkflowId, StringComparer.Ordinal).ThenBy(w => w.Version).ToList();
        var statuses = await approvals.StatusesAsync(approved, ct);
        var names = await signatures.LegacyNamesAsync(statuses.Values.SelectMany(s => s.Approvers), ct);
        return [.. approved
            .Select(w => (Entry: w, Loaded: registry.Find(w.WorkflowId, w.Version)))
            .Where(x => x.Loaded is not null)
            .Select(x => new WorkflowSummary(x.Loaded!.Definition.Id, x.Loaded.Definition.Version, x.Loaded.Definition.Title.Texts, [.. x.Loaded.Definition.Languages],
                x.Loaded.Hash, WorkflowKindNames.Of(x.Loaded.Definition.Kind), x.Loaded.Definition.Requires)
            {
                Approvals = [.. statuses[(x.Entry.WorkflowId, x.Entry.Version)].Approvers.Select(r => signatures.Of(r, x.Entry.Hash, names))],
            })];
    }

    /// <summary>Every version, its approval as its sealed decisions say, "k of n" approvals and their signatures.</summary>
    public async Task<List<VersionSummary>> ListAllAsync(CancellationToken ct)
    {
        var versions = await db.WorkflowVersions.AsNoTracking().OrderBy(w => w.WorkflowId).ThenBy(w => w.Version).ToListAsync(ct);
        var statuses = await approvals.StatusesAsync(versions, ct);
        var names = await signatures.LegacyNamesAsync(statuses.Values.SelectMany(s => s.Approvers), ct);
        return [.. versions.Select(w =>
        {
            var status = statuses[(w.WorkflowId, w.Version)];
            return new VersionSummary(w.WorkflowId, w.Version, w.TitleEn, w.Languages, w.Hash, status.State?.ToString() ?? ReviewDecision.Unverified, w.SourcePath)
            {
                Approvals = status.Approvals, RequiredApprovals = status.Required, Signatures = [.. status.Approvers.Select(r => signatures.Of(r, w.Hash, names))],
            };
        })];
    }

    public async Task<Outcome<VersionReview>> ReviewAsync(string id, int version, CancellationToken ct)
    {
        var entry = await db.WorkflowVersions.AsNoTracking().Include(w => w.Reviews).SingleOrDefaultAsync(w => w.WorkflowId == id && w.Version == version, ct);
        var workflow = registry.Find(id, version);
        if (entry is null || workflow is null)
        {
            return Missing.WorkflowVersion;
        }

        var definition = workflow.Definition;
        var steps = definition.Steps.Select(step =>
        {
            var texts = definition.Languages.ToDictionary(lang => lang, lang => WorkflowTexts.Render(step, lang));
            // A check-in has few disclosures, if any: the reviewer also sees how its questions, holds and affirmation read.
            Func<string, string>? patientText = step switch
            {
                DisclosureStep disclosure => disclosure.Body.For,
                QuestionsStep or DiscussionStep or AffirmationStep when definition.IsCheckin => lang => WorkflowTexts.Render(step, lang),
                _ => null,
            };
            var levels = patientText is null ? null
                : definition.Languages.Select(lang => (lang, score: ReadingLevel.For(lang, patientText(lang))))
                    .Where(x => x.score is not null).ToDictionary(x => x.lang, x => x.score! with { Value = Math.Round(x.score!.Value, 1) });
            var keyInformation = step is DisclosureStep { KeyInformation: true };
            return new StepReview(step.Id, StepTypeNames.Of(step.Type), step.When?.Text, texts, levels)
            {
                Kind = keyInformation ? "key-information" : null,
                ReadingTarget = keyInformation && levels is not null
                    ? levels.Select(l => (l.Key, Target: KeyInformationTarget(l.Value))).Where(l => l.Target is not null).ToDictionary(l => l.Key, l => l.Target!)
                    : null,
            };
        }).ToList();
        // The state and each decision as their seals say, not as the rows do: the third outside review
        // inserted a Retired decision, attributed to a real reviewer, that was listed as genuine while the
        // page still said Approved (what the sessions go by ignored it, with an AUDIT ALERT).
        var status = await approvals.StatusAsync(entry, ct);
        var approval = status.State?.ToString() ?? ReviewDecision.Unverified;
        var names = await signatures.LegacyNamesAsync(entry.Reviews, ct);
        var previous = registry.Catalog.Workflows.Where(w => w.Definition.Id == id && w.Definition.Version < version).MaxBy(w => w.Definition.Version);
        return new VersionReview(
            id, version, workflow.Hash, workflow.SourcePath, approval, [.. definition.Languages], definition.Title.Texts,
            WorkflowDiagram.ToMermaid(definition), steps,
            [.. entry.Reviews.OrderBy(r => r.DecidedAt).ThenBy(r => r.Seq).Select(r => new ReviewDecision(
                r.Decision.ToString(), r.Comment, r.ReviewerId, r.DecidedAt, seals.Check(r, entry.Hash) == SealState.Holds, signatures.Of(r, entry.Hash, names)))])
        {
            Approvals = status.Approvals,
            RequiredApprovals = status.Required,
            Signatures = [.. status.Approvers.Select(r => signatures.Of(r, entry.Hash, names))],
            PreviousVersion = previous?.Definition.Version,
            Changes = previous is null ? [] : WorkflowVersions.VersionChanges.Between(previous.Definition, definition),
        };
    }

    /// <summary>
    /// Approves or retires a version: an electronic signature (21 CFR 11.50, 11.70, 11.200(a)) executed by entering the
    /// password again, with the reviewer's comment. It stores the printed name at signing, the time, the meaning
    /// ("Approved for use with patients" or "Retired") and the version's SHA-256 it is bound to, all under the decision's
    /// seal. A version is Approved once <c>Review:RequiredApprovals</c> distinct reviewers have approved it (the same
    /// reviewer twice is a conflict); one retirement retires it for good (withdrawing from use is the safe direction).
    /// </summary>
    /// <summary>The first half of the advisory lock that serializes decisions on one version (the second is the version's hash of its name).</summary>
    private const int DecisionLockKey = 0x57465256; // "WFRV"

    public async Task<Outcome<VersionDecided>> DecideAsync(
        string id, int version, ApprovalState decision, DecisionInput input, ClaimsPrincipal reviewer, CancellationToken ct)
    {
        var (clean, error) = TextInput.Clean(input.Comment, "comment", 2000, multiline: true);
        if (error is not null)
        {
            return FieldErrors.One("comment", error);
        }

        var entry = await db.WorkflowVersions.SingleOrDefaultAsync(w => w.WorkflowId == id && w.Version == version, ct);
        if (entry is null)
        {
            return Missing.WorkflowVersion;
        }

        // What the sealed decisions say, not the column: a column set in the database neither blocks
        // nor stands in for a reviewer's decision (WorkflowApprovals).
        var status = await approvals.StatusAsync(entry, ct);
        var current = status.State ?? ApprovalState.Pending;
        if (current == ApprovalState.Retired || current == decision)
        {
            return new Refusal(RefusedAs.Conflict, "Not possible now",
                current == ApprovalState.Retired ? "A retired version stays retired; publish a new version instead." : $"This version is already {current}.");
        }

        var reviewerId = StaffAccess.UserId(reviewer)!.Value;
        if (decision == ApprovalState.Approved && status.Approvers.Any(r => r.ReviewerId == reviewerId))
        {
            // Review:RequiredApprovals counts distinct reviewers: one person cannot approve twice.
            return new Refusal(RefusedAs.Conflict, "Not possible now",
                $"You have already approved this version; it needs {status.Required - status.Approvals} more approval(s) from other reviewers ({status.Approvals} of {status.Required}).");
        }

        // 21 CFR 11.200(a): the signature is executed with both components, the account signed in and its password.
        // 21 CFR 11.200(a)(1): the password, and the authenticator code on the sign-in's first signature.
        var (signer, refused) = await staffSignatures.CheckAsync(reviewer, input.Password, input.Code, Identity.StaffSignatures.WorkflowDecision, ct: ct);
        if (refused is not null)
        {
            return refused;
        }

        // One decision on a version at a time: the checks above ran before the (slow) password check, so two
        // requests of one reviewer could both pass them. Under the lock, the sealed decisions are read again and
        // the checks repeated; the lock is released when the transaction ends.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({DecisionLockKey}, hashtext({id + "/" + version.ToString(System.Globalization.CultureInfo.InvariantCulture)}))", ct);
        status = await approvals.StatusAsync(entry, ct);
        current = status.State ?? ApprovalState.Pending;
        if (current == ApprovalState.Retired || current == decision
            || (decision == ApprovalState.Approved && status.Approvers.Any(r => r.ReviewerId == reviewerId)))
        {
            return new Refusal(RefusedAs.Conflict, "Not possible now",
                "Another decision on this version was just recorded (perhaps your own, sent twice); reload and look again.");
        }

        var review = new WorkflowReview
        {
            WorkflowId = id, Version = version, Decision = decision, Comment = clean!, ReviewerId = signer!.Id, DecidedAt = clock.GetUtcNow(),
            // 21 CFR 11.50(a): printed name, date and time, meaning; 11.70: linked to the version's hash, under the seal.
            SignerName = signer.DisplayName, Meaning = SignatureMeanings.Of(decision), SignedHash = entry.Hash,
        };
        var approved = decision == ApprovalState.Approved ? status.Approvals + 1 : status.Approvals;
        entry.Approval = decision == ApprovalState.Retired ? ApprovalState.Retired
            : approved >= status.Required ? ApprovalState.Approved : ApprovalState.Pending;
        var last = await db.WorkflowReviews.Where(r => r.WorkflowId == id && r.Version == version).MaxAsync(r => r.Seq, ct) ?? 0;
        seals.Seal(review, last + 1, entry.Hash);
        db.WorkflowReviews.Add(review);
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            // Another reviewer's decision on this version landed first with the same number.
            return new Refusal(RefusedAs.Conflict, "Not possible now", "Another decision on this version was just recorded; reload and look again.");
        }

        var signature = signatures.Of(review, entry.Hash, new Dictionary<Guid, string>());
        audit.Record(decision == ApprovalState.Retired ? SystemEvents.SystemEventTypes.WorkflowRetired : SystemEvents.SystemEventTypes.WorkflowApproved,
            new System.Text.Json.Nodes.JsonObject
            {
                ["workflowId"] = id, ["version"] = version, ["hash"] = entry.Hash, ["comment"] = clean,
                ["signature"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["signerId"] = signer.Id.ToString("D"), ["printedName"] = signature.PrintedName, ["meaning"] = signature.Meaning,
                    ["workflowHash"] = signature.WorkflowHash, ["signedAt"] = signature.SignedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                },
                ["approvals"] = approved, ["requiredApprovals"] = status.Required,
            }, by: reviewer);
        return new VersionDecided(id, version, entry.Approval.ToString(), approved, status.Required, signature);
    }

    /// <summary>The grade-6 target of key information on a score's scale, as the workflow's load checks it.</summary>
    private static ReadingTarget? KeyInformationTarget(ReadingScore score) =>
        KeyInformationReading.Target(score) is { } t ? new ReadingTarget(score.Scale, t.Limit, t.Description, t.Met) : null;
}

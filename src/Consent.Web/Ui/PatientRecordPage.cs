using System.Security.Claims;
using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.SignedRecords;
using Consent.Web.UseCases;
using Consent.Web.UseCases.PatientRecords;
using Consent.Web.WorkflowVersions;

namespace Consent.Web.Ui;

/// <summary>
/// What the clinician's and the auditor's patient pages show (<c>/clinician/patients/{id}</c>,
/// <c>/audit/patients/{id}</c>): the patient, their consent status per workflow
/// (<see cref="PatientConsents"/>) and one timeline of their sessions and corrections, newest first
/// (<see cref="PatientTimeline"/>), with staff named and the sessions the signed-in clinician started marked.
/// </summary>
public sealed class PatientRecordPage(
    PatientTimeline timeline, PatientConsents consents, WorkflowRegistry workflows, StaffSessions staffSessions,
    ConsentDbContext db, StaffAccountSeals accounts)
{
    /// <summary>The patient's page, or null when there is no such patient.</summary>
    public async Task<PatientRecord?> LoadAsync(Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await timeline.GetAsync(id, ct) is not Outcome<PatientTimelineView>.Ok { Value: var view }
            || await consents.GetAsync(id, ct) is not Outcome<PatientConsentsView>.Ok { Value: var status })
        {
            return null;
        }

        // A session is the clinician's own only when its row and its first event both name them (as on "My sessions").
        var me = StaffAccess.UserId(user);
        var candidates = view.Sessions.Where(s => me is { } clinician && s.StartedBy == clinician && user.IsInRole(StaffRoles.Clinician))
            .Select(s => s.Id).ToList();
        var mine = candidates.Count > 0 ? await staffSessions.StartedByAsync(candidates, me!.Value, ct) : [];

        var staffIds = view.Sessions.Select(s => s.StartedBy).Concat(view.Corrections.Select(c => c.ChangedBy)).Distinct().ToList();
        var names = new Dictionary<Guid, string>();
        foreach (var (account, seal) in await SealedStaff.ReadAsync(db, accounts, staffIds, ct))
        {
            names[account.Id] = seal == SealState.Holds ? account.DisplayName : $"{account.Id} (account changed outside the service)";
        }

        string Name(Guid staff) => (names.TryGetValue(staff, out var name) ? name : staff.ToString()) + (staff == me ? " (you)" : "");

        // What became of each signed consent record (active, superseded, withdrawn, expired), by its session.
        var states = status.Consents.SelectMany(c => c.Records).ToDictionary(r => r.SessionId, r => r.State);
        var entries = new List<TimelineEntry>();
        entries.AddRange(view.Sessions.Select(s => new SessionEntry(s.CreatedAt, s, Title(s.WorkflowId, s.Version), Name(s.StartedBy),
            mine.Contains(s.Id), states.GetValueOrDefault(s.Id))));
        entries.AddRange(view.Corrections.Select(c => new CorrectionEntry(c.ChangedAt, c, Name(c.ChangedBy), Changes(c.Changes))));

        var cards = status.Consents.Select(c => new ConsentCard(c, Title(c.WorkflowId, c.Version),
            c.SessionId is { } session && mine.Contains(session),
            c.SessionId is { } started && view.Sessions.FirstOrDefault(s => s.Id == started) is { } owner ? Name(owner.StartedBy) : null,
            CheckinsOf(c.WorkflowId))).ToList();
        return new PatientRecord(view.Patient, status.At, cards,
            [.. entries.OrderByDescending(e => e.At).ThenBy(e => e is CorrectionEntry ? 0 : 1)]);
    }

    /// <summary>The workflow's title in the staff language: of the version named, else of its newest version known.</summary>
    /// <summary>The check-in workflows whose <c>requires</c> names <paramref name="consentWorkflowId"/>, each once, titled by its newest version.</summary>
    private List<(string Id, string Title)> CheckinsOf(string consentWorkflowId) =>
        [.. workflows.Catalog.Workflows.Where(w => w.Definition.IsCheckin && w.Definition.Requires == consentWorkflowId)
            .GroupBy(w => w.Definition.Id, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Title(g.Key, null)))];

    private string Title(string workflowId, int? version)
    {
        var workflow = version is { } v ? workflows.Find(workflowId, v) : null;
        workflow ??= workflows.Catalog.Workflows.Where(w => w.Definition.Id == workflowId).MaxBy(w => w.Definition.Version);
        return workflow?.Definition.Title.For(StaffNotes.Language) ?? workflowId;
    }

    private static IReadOnlyList<FieldChange> Changes(JsonObject changes) =>
        [.. changes.Select(c => new FieldChange(FieldLabel(c.Key), Value(c.Key, c.Value?["from"]), Value(c.Key, c.Value?["to"])))];

    /// <summary>A changed value as the details show it (a language by its name); null when it was empty.</summary>
    private static string? Value(string field, JsonNode? value) =>
        value?.GetValue<string>() is { } text && field == "preferredLanguage" ? Localization.PatientTexts.English.NameIn(text) : value?.GetValue<string>();

    /// <summary>A patient field as staff pages name it.</summary>
    public static string FieldLabel(string field) => field switch
    {
        "name" => "Name",
        "dateOfBirth" => "Date of birth",
        "mrn" => "Medical record number",
        "email" => "Email",
        "preferredLanguage" => "Preferred language",
        _ => field,
    };

    /// <summary>A consent status as staff read it on the badge.</summary>
    public static string StatusLabel(string status) => status switch
    {
        "valid" => "Valid",
        "expiring" => "Expiring soon",
        "expired" => "Expired",
        "reconsent-due" => "Re-consent due",
        "withdrawn" => "Withdrawn",
        "declined" => "Declined",
        "referred" => "Referred",
        "in-progress" => "In progress",
        "none" => "No consent",
        _ => status,
    };

    /// <summary>Whether a consent is in force, so that it can be withdrawn (an expired one has ended on its own).</summary>
    public static bool InForce(string status) => status is "valid" or "expiring" or "reconsent-due";

    /// <summary>A record kind as words: "DeclinedSummary" becomes "Declined summary".</summary>
    public static string RecordKind(string kind) => kind == nameof(Consent.Records.RecordKind.Checkin) ? "Check-in" : StaffLabels.Event(kind);

    /// <summary>The first 12 hex digits of a SHA-256, to tell records apart at a glance (the full value is one tap away).</summary>
    public static string Shortened(string sha256) => sha256.Length > 12 ? sha256[..12] + "…" : sha256;
}

/// <summary>The patient page's contents.</summary>
/// <param name="At">When the consent statuses were judged.</param>
public sealed record PatientRecord(PatientView Patient, DateTimeOffset At, IReadOnlyList<ConsentCard> Consents, IReadOnlyList<TimelineEntry> Timeline);

/// <summary>One workflow's consent status; <paramref name="Mine"/> when the signed-in clinician started its session.</summary>
/// <param name="StartedBy">Who started the session the status rests on, as staff pages name them.</param>
/// <param name="Checkins">The dose-day check-ins that rely on this consent (workflow id and title), for starting one while it is in force.</param>
public sealed record ConsentCard(ConsentStatusView Status, string Title, bool Mine, string? StartedBy, IReadOnlyList<(string Id, string Title)> Checkins);

/// <summary>Something that happened to the patient's record, at <paramref name="At"/>.</summary>
public abstract record TimelineEntry(DateTimeOffset At);

/// <summary>A session; <paramref name="Mine"/> when the signed-in clinician started it; <paramref name="ConsentState"/> what became of its consent record.</summary>
public sealed record SessionEntry(DateTimeOffset At, TimelineSession Session, string Title, string StartedBy, bool Mine, string? ConsentState) : TimelineEntry(At);

/// <summary>A correction of the patient's details, with each field changed.</summary>
public sealed record CorrectionEntry(DateTimeOffset At, TimelineCorrection Correction, string By, IReadOnlyList<FieldChange> Changes) : TimelineEntry(At);

/// <summary>One field a correction changed (null: it was empty, or was cleared).</summary>
public sealed record FieldChange(string Field, string? From, string? To);

/// <summary>The shared part of the patient pages (Pages/Shared/_PatientRecord.cshtml): for a clinician, or read-only for an auditor.</summary>
/// <param name="ForClinician">True on the clinician's page: sessions link to the session page when the clinician started them, and withdrawal is explained; false on the auditor's, where every session links to its audit trail.</param>
public sealed record PatientRecordPartial(PatientRecord Record, bool ForClinician);

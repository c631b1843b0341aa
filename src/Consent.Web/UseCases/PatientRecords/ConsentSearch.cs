using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Settings;
using Consent.Web.SignedRecords;
using Consent.Web.WorkflowVersions;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using FhirConsent = Hl7.Fhir.Model.Consent;
using Task = System.Threading.Tasks.Task;

namespace Consent.Web.UseCases.PatientRecords;

/// <summary>
/// <c>GET /fhir/Consent?patient.identifier=&lt;system&gt;|&lt;mrn&gt;&amp;status=active</c>: the patient's Consent resources as an
/// R4 searchset Bundle, each built by the same mapping as the record's FHIR export (FhirConsentBundle) with the status
/// the export gives it now: <c>active</c>, <c>inactive</c> (superseded, withdrawn, expired) or <c>rejected</c>.
/// </summary>
/// <remarks>
/// <para>FHIR R4 "Search": parameters the server does not support are ignored and left out of the <c>self</c> link, unless
/// the client sends <c>Prefer: handling=strict</c>, when they are an error (400 with an OperationOutcome); a value the
/// server cannot read is an error too. This server searches Consent by patient only: without <c>patient.identifier</c> it
/// would list every patient's consents, so that is an error.</para>
/// <para>Each match (<c>search.mode = match</c>) comes with the Patient and Organization it refers to
/// (<c>search.mode = include</c>), so its references resolve inside the Bundle. The Patient's MRN is under
/// <c>CdsHooks:MrnSystem</c>, the system the EHR searches with (the record's own export says <c>urn:consent:mrn</c>).
/// Only consent sessions are listed: a dose-day check-in (a workflow of kind <c>checkin</c>) is not a consent, even when
/// it ends as a consent session can (declined).</para>
/// </remarks>
public sealed class ConsentSearch(
    ConsentDbContext db, ConsentGate gate, RecordIssuer issuer, PatientConsents consents, WorkflowRegistry workflows, IOptions<CdsHooksOptions> options,
    ILogger<ConsentSearch> logger)
{
    /// <summary>The search parameters this server supports.</summary>
    public static readonly IReadOnlyList<string> Parameters = ["patient.identifier", "status"];

    private static readonly IReadOnlyList<RecordKind> Kinds = [RecordKind.Consent, RecordKind.DeclinedSummary, RecordKind.ReferredSummary];

    /// <summary>Runs the search; <paramref name="selfBase"/> is the URL of <c>/fhir/Consent</c>.</summary>
    public async Task<Outcome<Bundle>> SearchAsync(IQueryCollection query, bool strict, string selfBase, CancellationToken ct)
    {
        var unknown = query.Keys.Where(k => !Parameters.Contains(k) && !k.StartsWith("_format", StringComparison.Ordinal)).ToList();
        if (strict && unknown.Count > 0)
        {
            return FieldErrors.One(unknown[0], $"This server does not support the search parameter {unknown[0]} (Prefer: handling=strict).");
        }

        var identifiers = query["patient.identifier"];
        if (identifiers.Count != 1 || string.IsNullOrWhiteSpace(identifiers[0]))
        {
            return FieldErrors.One("patient.identifier", "Search Consent by one patient.identifier=<system>|<MRN>.");
        }

        var token = identifiers[0]!;
        var bar = token.IndexOf('|', StringComparison.Ordinal);
        var system = bar < 0 ? null : token[..bar];
        var mrn = (bar < 0 ? token : token[(bar + 1)..]).Trim();
        if (mrn.Length is 0 or > 64 || !PatientDetailsRules.IsMrn(mrn))
        {
            return FieldErrors.One("patient.identifier", "The identifier's value must be an MRN (letters, digits, spaces and - . / _ #, at most 64).");
        }

        HashSet<FhirConsent.ConsentState>? statuses = null;
        if (query["status"] is { Count: > 0 } wanted)
        {
            statuses = [];
            foreach (var code in wanted.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries)))
            {
                var state = Hl7.Fhir.Utility.EnumUtility.ParseLiteral<FhirConsent.ConsentState>(code);
                if (state is null)
                {
                    return FieldErrors.One("status", $"{code} is not a Consent status (draft, proposed, active, rejected, inactive, entered-in-error).");
                }

                statuses.Add(state.Value);
            }
        }

        var self = $"{selfBase}?patient.identifier={Uri.EscapeDataString(token)}"
            + (query["status"] is { Count: > 0 } s ? $"&status={Uri.EscapeDataString(string.Join(",", s.ToArray()))}" : "");
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Timestamp = DateTimeOffset.UtcNow, Link = [new Bundle.LinkComponent { Relation = "self", Url = self }] };
        // Only the clinic's MRN system (or none, "|mrn" or "mrn": any system) names the clinic's patients.
        var patient = system is null or "" || system == options.Value.MrnSystem ? await gate.FindByMrnAsync(mrn, ct) : null;
        if (patient is not null)
        {
            await AddMatchesAsync(bundle, patient.Id, statuses, ct);
        }

        bundle.Total = bundle.Entry.Count(e => e.Search?.Mode == Bundle.SearchEntryMode.Match);
        return bundle;
    }

    private async Task AddMatchesAsync(Bundle bundle, Guid patientId, HashSet<FhirConsent.ConsentState>? statuses, CancellationToken ct)
    {
        var kinds = Kinds.Select(k => k.ToString()).ToList();
        var checkins = workflows.Catalog.Workflows.Where(w => w.Definition.IsCheckin).Select(w => w.Definition.Id).Distinct(StringComparer.Ordinal).ToList();
        var found = await db.Records.AsNoTracking()
            .Join(db.Sessions.AsNoTracking().Where(s => s.PatientId == patientId && !checkins.Contains(s.WorkflowId)),
                r => r.SessionId, s => s.Id, (r, s) => new { Record = r, Session = s })
            .Where(x => kinds.Contains(x.Record.Kind))
            .OrderBy(x => x.Record.IssuedAt)
            .ToListAsync(ct);
        foreach (var x in found)
        {
            ConsentRecord? record;
            try
            {
                record = await ChainedRecords.IsNamedAsync(db, x.Record, ct) ? await issuer.DescribeAsync(x.Session, x.Record, ct) : null;
            }
            catch (UnverifiedChainException)
            {
                record = null; // logged as an AUDIT ALERT by the issuer; a record whose chain does not verify is never shown
            }

            if (record is null)
            {
                logger.LogWarning("FHIR search left out the {Kind} record of session {SessionId}: it could not be rebuilt from a verified chain.", x.Record.Kind, x.Session.Id);
                continue;
            }

            var fhirOptions = await consents.FhirOptionsAsync(x.Session, record.Kind, ct) with { MedicalRecordNumberSystem = options.Value.MrnSystem };
            var built = FhirConsentBundle.Build(record, x.Record.Pdf, fhirOptions);
            var match = built.Entry.Single(e => e.Resource is FhirConsent);
            if (statuses is not null && !statuses.Contains((match.Resource as FhirConsent)?.Status ?? FhirConsent.ConsentState.EnteredInError))
            {
                continue;
            }

            match.Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match };
            bundle.Entry.Add(match);
            foreach (var included in built.Entry.Where(e => e.Resource is Patient or Organization))
            {
                included.Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Include };
                bundle.Entry.Add(included);
            }
        }
    }
}

using System.Globalization;
using Consent.Records.Fhir;
using Hl7.Fhir.Model;
using Item = Hl7.Fhir.Model.QuestionnaireResponse.ItemComponent;

namespace Consent.Records;

/// <summary>
/// The FHIR R4 export of a dose-day check-in record (<see cref="RecordKind.Checkin"/>): a collection Bundle with one
/// QuestionnaireResponse (the patient's answers and affirmation, the staff checks, the outcome), a Provenance that links
/// it to the Consent it relies on and carries the clinician's decision signature, a DocumentReference with the signed
/// PDF, and the Patient, Organization and staff it refers to.
/// </summary>
/// <remarks>
/// The link to the consent. R4 QuestionnaireResponse (https://hl7.org/fhir/R4/questionnaireresponse.html, "Resource
/// Content") has no element for a consent: <c>basedOn</c> takes only CarePlan or ServiceRequest and <c>partOf</c> only
/// Observation or Procedure, and the core <c>workflow-supportingInfo</c> extension is defined for DiagnosticReport,
/// Observation and CommunicationRequest only. So the link is made with R4 Provenance
/// (https://hl7.org/fhir/R4/provenance.html): <c>Provenance.target</c> is the QuestionnaireResponse and
/// <c>Provenance.entity</c> names the Consent with role <c>source</c> (R4 ProvenanceEntityRole, "A primary source for a
/// generation of the resulting entity"), by the identifier every Consent resource of this service carries (the consent
/// session id in <see cref="FhirBundleOptions.SessionIdSystem"/>, as <c>GET /fhir/Consent</c> returns it), with the
/// consent record's SHA-256 in the reference's display. The QuestionnaireResponse repeats the SHA-256 as the answer to
/// <c>relies-on.record-sha256</c>, so a reader of the response alone sees it too.
/// </remarks>
public static class FhirCheckinBundle
{
    const string SignatureTypeSystem = "urn:iso-astm:E1762-95:2013";
    const string ParticipantTypes = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

    /// <summary>Builds the bundle for a check-in record and its signed PDF.</summary>
    public static Bundle Build(ConsentRecord record, ReadOnlyMemory<byte> signedPdf, FhirBundleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Kind != RecordKind.Checkin || record.Checkin is not { } checkin)
        {
            throw new ArgumentException("Not a check-in record.", nameof(record));
        }

        options ??= FhirBundleOptions.Default;
        var ids = new FhirReferences(record.SessionId);
        var labels = RecordLabels.For(record.Workflow.Language);
        var staff = checkin.StaffChecks.Select(s => s.EnteredBy)
            .Concat(checkin.Outcome.Decision is { } d ? [d.PrintedName] : [])
            .Distinct(StringComparer.Ordinal)
            .Select(name => (Url: ids.Clinician(name), Practitioner: new Practitioner { Name = [new HumanName { Text = name }] }))
            .ToList();
        var document = FhirIds.Urn(record.SessionId, "DocumentReference");

        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Identifier = new Identifier(options.SessionIdSystem, $"{record.SessionId}/{record.Kind}"),
            Timestamp = record.IssuedAt,
        };
        Add(bundle, ids.Answers, Response(record, checkin, labels, options, ids));
        Add(bundle, ids.Provenance, Provenance(record, checkin, options, ids, document));
        Add(bundle, document, Document(record, labels, signedPdf, options, ids));
        Add(bundle, ids.Patient, FhirParties.Patient(record, options));
        Add(bundle, ids.Organization, FhirParties.Organization(record));
        foreach (var (url, practitioner) in staff)
        {
            Add(bundle, url, practitioner);
        }

        return bundle;
    }

    static void Add(Bundle bundle, string fullUrl, Resource resource) =>
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = fullUrl, Resource = resource });

    /// <summary>The outcome as a code: <c>cleared</c>, <c>cleared-after-discussion</c>, <c>not-today</c>.</summary>
    public static string ResultCode(CheckinResult result) => result switch
    {
        CheckinResult.Cleared => "cleared",
        CheckinResult.ClearedAfterDiscussion => "cleared-after-discussion",
        CheckinResult.NotToday => "not-today",
    };

    static QuestionnaireResponse Response(ConsentRecord record, CheckinDetails checkin, RecordLabels labels, FhirBundleOptions options, FhirReferences ids)
    {
        var w = record.Workflow;
        var response = new QuestionnaireResponse
        {
            Identifier = new Identifier(options.SessionIdSystem, record.SessionId.ToString()),
            Questionnaire = $"{options.WorkflowPolicyBase}{w.Id}/v{w.Version.ToString(CultureInfo.InvariantCulture)}",
            // R4 QuestionnaireResponseStatus "completed": "This QuestionnaireResponse has been filled out with answers and the current
            // content is regarded as definitive"; a check-in record is issued only once the check-in has ended.
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Subject = new ResourceReference(ids.Patient),
            AuthoredElement = new FhirDateTime(record.EndedAt ?? record.IssuedAt),
            Author = new ResourceReference(ids.Patient),
            Source = new ResourceReference(ids.Patient),
        };

        if (checkin.ReliesOn is { } consent)
        {
            response.Item.Add(FhirAnswers.Group("relies-on", labels.ReliesOnHeading,
                FhirAnswers.Question("relies-on.session", labels.ConsentSession, new FhirString(consent.SessionId.ToString())),
                FhirAnswers.Question("relies-on.record-sha256", labels.ConsentRecordHash, new FhirString(consent.RecordSha256)),
                FhirAnswers.Question("relies-on.version", labels.Version, new Integer(consent.Version)),
                FhirAnswers.Question("relies-on.signed-at", labels.SignedAt, new FhirDateTime(consent.SignedAt))));
        }

        if (FhirAnswers.IdentityGroup(record, labels) is { } identityGroup)
        {
            response.Item.Add(identityGroup);
        }

        if (record.ScreeningAnswers.Count > 0)
        {
            response.Item.Add(FhirAnswers.Group("answers", labels.PatientAnswers,
                [.. record.ScreeningAnswers.Select((a, i) => FhirAnswers.Question($"answers.{i + 1}", a.Question, new FhirString(a.Answer)))]));
        }

        if (checkin.Affirmation is { } affirmation)
        {
            response.Item.Add(FhirAnswers.Group("affirmation", labels.Affirmation,
                FhirAnswers.Question("affirmation.agrees", affirmation.Statement.Trim(), new FhirBoolean(affirmation.Agrees)),
                FhirAnswers.Question("affirmation.at", labels.AnsweredAt, new FhirDateTime(affirmation.At))));
        }

        for (var n = 0; n < checkin.StaffChecks.Count; n++)
        {
            var check = checkin.StaffChecks[n];
            var id = $"staff-check.{n + 1}";
            response.Item.Add(FhirAnswers.Group(id, check.Title.Length > 0 ? check.Title : labels.StaffChecks,
            [
                .. check.Values.Select((v, i) => FhirAnswers.Question($"{id}.{i + 1}", v.Unit is { } unit ? $"{v.Label} ({unit})" : v.Label, StaffValue(v))),
                FhirAnswers.Question($"{id}.entered-by", labels.EnteredBy, new FhirString(check.EnteredBy)),
                FhirAnswers.Question($"{id}.at", labels.AnsweredAt, new FhirDateTime(check.At)),
            ]));
        }

        var outcome = checkin.Outcome;
        List<Item> outcomeItems =
        [
            FhirAnswers.Question("outcome.result", labels.Status, new Coding("urn:consent:checkin-outcome", ResultCode(outcome.Result))),
            FhirAnswers.Question("outcome.at", labels.OutcomeAt, new FhirDateTime(outcome.At)),
            .. outcome.HeldReasons.Select((r, i) => FhirAnswers.Question($"outcome.held.{i + 1}", labels.HeldBecause, new FhirString(r))),
        ];
        if (outcome.Decision is { } decision)
        {
            outcomeItems.Add(FhirAnswers.Question("outcome.decided-by", labels.DecidedBy, new FhirString(decision.PrintedName)));
            outcomeItems.Add(FhirAnswers.Question("outcome.decided-at", labels.SignedAt, new FhirDateTime(decision.SignedAt)));
            outcomeItems.Add(FhirAnswers.Question("outcome.meaning", labels.Meaning, new FhirString(decision.Meaning)));
            outcomeItems.Add(FhirAnswers.Question("outcome.note", labels.Note, new FhirString(decision.Note)));
        }

        response.Item.Add(FhirAnswers.Group("outcome", labels.Outcome, [.. outcomeItems]));
        return response;
    }

    /// <summary>A number as entered is a decimal; yes/no is a boolean (in the record's language on the PDF).</summary>
    static DataType StaffValue(StaffCheckValue v) =>
        decimal.TryParse(v.Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) ? new FhirDecimal(number) : new FhirString(v.Value);

    static Provenance Provenance(ConsentRecord record, CheckinDetails checkin, FhirBundleOptions options, FhirReferences ids, string document)
    {
        var provenance = new Provenance
        {
            Target = [new ResourceReference(ids.Answers), new ResourceReference(document)],
            Recorded = record.IssuedAt,
            Agent =
            [
                Agent("author", "Author", ids.Patient),
                Agent("custodian", "Custodian", ids.Organization),
                .. checkin.StaffChecks.Select(s => s.EnteredBy).Distinct(StringComparer.Ordinal).Select(name => Agent("performer", "Performer", ids.Clinician(name))),
            ],
        };
        if (checkin.ReliesOn is { } consent)
        {
            provenance.Entity.Add(new Provenance.EntityComponent
            {
                Role = Hl7.Fhir.Model.Provenance.ProvenanceEntityRole.Source,
                What = new ResourceReference
                {
                    Type = "Consent",
                    Identifier = new Identifier(options.SessionIdSystem, consent.SessionId.ToString()),
                    Display = $"SHA-256 {consent.RecordSha256}",
                },
            });
        }

        if (checkin.Outcome.Decision is { } decision)
        {
            var who = ids.Clinician(decision.PrintedName);
            provenance.Agent.Add(Agent("verifier", "Verifier", who));
            // ASTM E1762 "Verification Signature" (1.2.840.10065.1.12.1.5): the clinician verified the held check-in and decided.
            provenance.Signature.Add(new Signature
            {
                Type = [new Coding(SignatureTypeSystem, "1.2.840.10065.1.12.1.5", "Verification Signature")],
                When = decision.SignedAt,
                Who = new ResourceReference(who) { Display = decision.PrintedName },
                TargetFormat = "application/pdf",
            });
        }

        return provenance;
    }

    static DocumentReference Document(ConsentRecord record, RecordLabels labels, ReadOnlyMemory<byte> pdf, FhirBundleOptions options, FhirReferences ids)
    {
#pragma warning disable CA5350 // R4 defines Attachment.hash as the SHA-1 of the data; the PDF carries its own SHA-256 signature.
        var sha1 = System.Security.Cryptography.SHA1.HashData(pdf.Span);
#pragma warning restore CA5350
        return new DocumentReference
        {
            MasterIdentifier = new Identifier(options.SessionIdSystem, $"{record.SessionId}/{record.Kind}"),
            Status = DocumentReferenceStatus.Current,
            Subject = new ResourceReference(ids.Patient),
            DateElement = new Instant(record.IssuedAt),
            Custodian = new ResourceReference(ids.Organization),
            Description = $"{labels.CheckinDocumentTitle} \u2013 {record.Workflow.Title}",
            Content =
            [
                new DocumentReference.ContentComponent
                {
                    Attachment = new Attachment
                    {
                        ContentType = "application/pdf",
                        Language = record.Workflow.Language,
                        Data = options.EmbeddedInRecord ? null : pdf.ToArray(),
                        Hash = options.EmbeddedInRecord ? null : sha1,
                        Title = $"{labels.CheckinDocumentTitle} \u2013 {record.Workflow.Title}",
                        CreationElement = new FhirDateTime(record.IssuedAt),
                    },
                },
            ],
        };
    }

    static Provenance.AgentComponent Agent(string code, string display, string who) => new()
    {
        Type = new CodeableConcept(ParticipantTypes, code, display),
        Who = new ResourceReference(who),
    };
}

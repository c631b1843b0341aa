using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary>
/// The payload of one event type, typed. <see cref="ToJson"/> writes the members in the order and
/// form the log has always held (the host canonicalizes that JSON for the hash chain), so a payload
/// written through these records hashes exactly like one written before them; each type's
/// <c>From</c> reads a stored payload leniently (a missing member reads as its default).
/// </summary>
public abstract record EventPayload
{
    /// <summary>The event type this payload belongs to (<see cref="EventTypes"/>).</summary>
    public abstract string Type { get; }

    public abstract JsonObject ToJson();

    /// <summary>The event to append: this payload on a step (or none), with the hash of the text it concerns.</summary>
    public NewEvent On(string? stepId, string? contentHash = null) => new(Type, stepId, ToJson(), contentHash);

    /// <summary>A stored payload as its type's record; null for an event type this version does not know.</summary>
    public static EventPayload? Read(string type, JsonObject payload, string? stepId) => type switch
    {
        EventTypes.SessionCreated => SessionCreatedPayload.From(payload),
        EventTypes.IdentityVerified => IdentityVerifiedPayload.From(payload),
        EventTypes.IdentityCheckFailed => IdentityCheckFailedPayload.From(payload),
        EventTypes.LinkLocked => LinkLockedPayload.From(payload),
        EventTypes.PaperConsentRecorded => PaperConsentRecordedPayload.From(payload),
        EventTypes.LinkReissued => LinkReissuedPayload.From(payload),
        EventTypes.AnswersRecorded => AnswersRecordedPayload.From(payload),
        EventTypes.DisclosureAcknowledged => DisclosureAcknowledgedPayload.From(payload),
        EventTypes.ComprehensionAttempted => ComprehensionAttemptedPayload.From(payload),
        EventTypes.HoldOpened => HoldOpenedPayload.From(payload, stepId),
        EventTypes.DiscussionRecorded => DiscussionRecordedPayload.From(payload),
        EventTypes.QuestionAsked => QuestionAskedPayload.From(payload),
        EventTypes.QuestionAnswered => QuestionAnsweredPayload.From(payload),
        EventTypes.AskCompleted => new AskCompletedPayload(),
        EventTypes.StopReached => StopReachedPayload.From(payload),
        EventTypes.AnswersReopened => AnswersReopenedPayload.From(payload),
        EventTypes.PatientSigned => PatientSignedPayload.From(payload),
        EventTypes.SignerSigned => SignerSignedPayload.From(payload),
        EventTypes.ClinicianCountersigned => ClinicianCountersignedPayload.From(payload),
        EventTypes.RecordIssued => RecordIssuedPayload.From(payload),
        EventTypes.Declined => DeclinedPayload.From(payload),
        EventTypes.Expired => ExpiredPayload.From(payload),
        EventTypes.Voided => VoidedPayload.From(payload),
        EventTypes.Withdrawn => WithdrawnPayload.From(payload),
        EventTypes.ReferralFollowedUp => ReferralFollowedUpPayload.From(payload),
        EventTypes.StaffCheckRecorded => StaffCheckRecordedPayload.From(payload),
        EventTypes.AffirmationRecorded => AffirmationRecordedPayload.From(payload),
        EventTypes.CheckinCleared => new CheckinClearedPayload(),
        EventTypes.CheckinHeld => CheckinHeldPayload.From(payload),
        EventTypes.CheckinReleased or EventTypes.CheckinNotToday => CheckinDecidedPayload.From(type, payload),
        _ => null,
    };
}

/// <summary>The member names of event payloads, each spelled once.</summary>
public static class PayloadKeys
{
    public const string StaffId = "staffId";
    public const string ExpiresAt = "expiresAt";
    public const string Reason = "reason";
    public const string Answers = "answers";
    public const string Kind = "kind";
    public const string Sha256 = "sha256";
    public const string Method = "method";
    public const string Device = "device";
    public const string Failures = "failures";
    public const string AttemptsLeft = "attemptsLeft";
    public const string LinkTokenHash = "linkTokenHash";
    public const string Supersedes = "supersedes";
    public const string Signers = "signers";
    public const string Signer = "signer";
    public const string Mark = "mark";
    public const string ReliesOn = "reliesOn";

    /// <summary>Adds <c>nameMatches: false</c> when the typed name is not the registered one, so matching payloads stay as they were.</summary>
    internal static JsonObject WithNameMismatch(this JsonObject payload, bool nameMatches)
    {
        if (!nameMatches)
        {
            payload["nameMatches"] = false;
        }

        return payload;
    }

    /// <summary>Adds the consent a re-consent replaces, only when there is one (chains from before it have no such key).</summary>
    /// <summary>Adds the signers when anyone signs besides the patient alone; a patient alone's first event is as before.</summary>
    internal static JsonObject WithSigners(this JsonObject payload, Signers? signers)
    {
        if (signers?.ToJson() is { } json)
        {
            payload[Signers] = json;
        }

        return payload;
    }

    internal static JsonObject WithSupersedes(this JsonObject payload, Supersedes? supersedes)
    {
        if (supersedes is not null)
        {
            payload[Supersedes] = supersedes.ToJson();
        }

        return payload;
    }

    /// <summary>Adds the consent a check-in relies on, only for a check-in (other chains have no such key).</summary>
    internal static JsonObject WithReliesOn(this JsonObject payload, ReliesOn? reliesOn)
    {
        if (reliesOn is not null)
        {
            payload[ReliesOn] = reliesOn.ToJson();
        }

        return payload;
    }

    /// <summary>Adds the link's hash when there is one, so payloads without it stay as they were.</summary>
    internal static JsonObject WithLinkTokenHash(this JsonObject payload, string? linkTokenHash)
    {
        if (linkTokenHash is not null)
        {
            payload[LinkTokenHash] = linkTokenHash;
        }

        return payload;
    }
}

/// <summary><see cref="EventTypes.SessionCreated"/>: the workflow version, language, link expiry, the patient's digest and the link's hash.</summary>
/// <remarks>
/// Members a stored payload lacks read as null, so the replay can fall back as it always has.
/// <paramref name="LinkTokenHash"/> (SHA-256 of the patient link's secret, as the session row keeps
/// it) is written only when given: sessions started before it was recorded hash as they always did.
/// </remarks>
public sealed record SessionCreatedPayload(
    string? WorkflowId, int WorkflowVersion, string? WorkflowHash, string? Language, string? ExpiresAt, string? PatientDigest, string? CreatedBy,
    string? LinkTokenHash = null, Supersedes? Supersedes = null, ReliesOn? ReliesOn = null, Signers? Signers = null) : EventPayload
{
    public override string Type => EventTypes.SessionCreated;

    public override JsonObject ToJson() => new JsonObject
    {
        ["workflowId"] = WorkflowId,
        ["workflowVersion"] = WorkflowVersion,
        ["workflowHash"] = WorkflowHash,
        ["language"] = Language,
        [PayloadKeys.ExpiresAt] = ExpiresAt,
        ["patientDigest"] = PatientDigest,
        ["createdBy"] = CreatedBy,
    }.WithLinkTokenHash(LinkTokenHash).WithSupersedes(Supersedes).WithReliesOn(ReliesOn).WithSigners(Signers);

    public static SessionCreatedPayload From(JsonObject p) => new(
        Payload.Text(p, "workflowId"), Payload.Int(p, "workflowVersion"), Payload.Text(p, "workflowHash"), Payload.Text(p, "language"),
        Payload.Text(p, PayloadKeys.ExpiresAt), Payload.Text(p, "patientDigest"), Payload.Text(p, "createdBy"), Payload.Text(p, PayloadKeys.LinkTokenHash),
        Supersedes.From(p[PayloadKeys.Supersedes] as JsonObject), ReliesOn.From(p[PayloadKeys.ReliesOn] as JsonObject),
        Workflows.Signers.From(p[PayloadKeys.Signers] as JsonObject));
}

/// <summary>
/// <see cref="EventTypes.IdentityVerified"/>: how (<c>date-of-birth</c>) and, when the link was made for one, on which
/// kind of device (<see cref="Devices.ClinicTablet"/>; absent means the patient's own device, the link sent to them).
/// </summary>
public sealed record IdentityVerifiedPayload(string Method, string? Device = null) : EventPayload
{
    public override string Type => EventTypes.IdentityVerified;

    public override JsonObject ToJson() => Device is null
        ? new() { [PayloadKeys.Method] = Method }
        : new() { [PayloadKeys.Method] = Method, [PayloadKeys.Device] = Device };

    public static IdentityVerifiedPayload From(JsonObject p) => new(Payload.Text(p, PayloadKeys.Method) ?? "", Payload.Text(p, PayloadKeys.Device));
}

/// <summary>
/// The kinds of device a patient link is used on, recorded on the chain: the device check of 21 CFR 11.10(h)
/// ("use of device ... checks to determine, as appropriate, the validity of the source of data input").
/// </summary>
public static class Devices
{
    /// <summary>The patient's own phone or computer, through the link sent to them (the default; not written).</summary>
    public const string OwnDevice = "own-device";

    /// <summary>A clinic's tablet, through a link a staff member made and opened on it (never sent anywhere).</summary>
    public const string ClinicTablet = "clinic-tablet";
}

/// <summary><see cref="EventTypes.IdentityCheckFailed"/>: failures so far and attempts left.</summary>
public sealed record IdentityCheckFailedPayload(int Failures, int AttemptsLeft) : EventPayload
{
    public override string Type => EventTypes.IdentityCheckFailed;

    public override JsonObject ToJson() => new() { [PayloadKeys.Failures] = Failures, [PayloadKeys.AttemptsLeft] = AttemptsLeft };

    public static IdentityCheckFailedPayload From(JsonObject p) => new(Payload.Int(p, PayloadKeys.Failures), Payload.Int(p, PayloadKeys.AttemptsLeft));
}

/// <summary><see cref="EventTypes.LinkLocked"/>: after how many failures.</summary>
public sealed record LinkLockedPayload(int Failures) : EventPayload
{
    public override string Type => EventTypes.LinkLocked;

    public override JsonObject ToJson() => new() { [PayloadKeys.Failures] = Failures };

    public static LinkLockedPayload From(JsonObject p) => new(Payload.Int(p, PayloadKeys.Failures));
}

/// <summary>
/// <see cref="EventTypes.LinkReissued"/>: the new link's expiry, who made it, (when given) the new link's hash and (when
/// the link was made for one) the kind of device it is opened on (<see cref="Devices.ClinicTablet"/>).
/// </summary>
public sealed record LinkReissuedPayload(string? ExpiresAt, string? StaffId, string? LinkTokenHash = null, string? Device = null) : EventPayload
{
    public override string Type => EventTypes.LinkReissued;

    public override JsonObject ToJson()
    {
        var json = new JsonObject { [PayloadKeys.ExpiresAt] = ExpiresAt, [PayloadKeys.StaffId] = StaffId }.WithLinkTokenHash(LinkTokenHash);
        if (Device is not null)
        {
            json[PayloadKeys.Device] = Device;
        }

        return json;
    }

    public static LinkReissuedPayload From(JsonObject p) =>
        new(Payload.Text(p, PayloadKeys.ExpiresAt), Payload.Text(p, PayloadKeys.StaffId), Payload.Text(p, PayloadKeys.LinkTokenHash), Payload.Text(p, PayloadKeys.Device));
}

/// <summary><see cref="EventTypes.AnswersRecorded"/>: the answers by question id (yes/no, a choice or short text, as given).</summary>
public sealed record AnswersRecordedPayload(JsonObject Answers) : EventPayload
{
    public override string Type => EventTypes.AnswersRecorded;

    public override JsonObject ToJson() => new() { [PayloadKeys.Answers] = Answers.DeepClone() };

    public static AnswersRecordedPayload From(JsonObject p) => new(p[PayloadKeys.Answers] as JsonObject ?? []);
}

/// <summary><see cref="EventTypes.DisclosureAcknowledged"/>: by ticking (<c>checkbox</c>) or with initials.</summary>
public sealed record DisclosureAcknowledgedPayload(AcknowledgeMethod Method, string? Initials) : EventPayload
{
    public override string Type => EventTypes.DisclosureAcknowledged;

    public override JsonObject ToJson()
    {
        var json = new JsonObject { [PayloadKeys.Method] = Method == AcknowledgeMethod.Initials ? "initials" : "checkbox" };
        if (Method == AcknowledgeMethod.Initials)
        {
            json["initials"] = Initials;
        }

        return json;
    }

    public static DisclosureAcknowledgedPayload From(JsonObject p) => new(
        Payload.Text(p, PayloadKeys.Method) == "initials" ? AcknowledgeMethod.Initials : AcknowledgeMethod.Checkbox, Payload.Text(p, "initials"));
}

/// <summary><see cref="EventTypes.ComprehensionAttempted"/>: one try at the quiz and what to read again.</summary>
public sealed record ComprehensionAttemptedPayload(
    int Attempt, IReadOnlyList<KeyValuePair<string, string>> Answers, int Correct, int Total, bool Passed, int AttemptsLeft,
    IReadOnlyList<string> Review) : EventPayload
{
    public override string Type => EventTypes.ComprehensionAttempted;

    public override JsonObject ToJson() => new()
    {
        ["attempt"] = Attempt,
        [PayloadKeys.Answers] = new JsonObject(Answers.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)JsonValue.Create(a.Value)))),
        ["correct"] = Correct,
        ["total"] = Total,
        ["passed"] = Passed,
        [PayloadKeys.AttemptsLeft] = AttemptsLeft,
        ["review"] = new JsonArray([.. Review.Select(r => (JsonNode)JsonValue.Create(r))]),
    };

    /// <remarks>Only answers that are text count; anything else in a stored payload is left out.</remarks>
    public static ComprehensionAttemptedPayload From(JsonObject p) => new(
        Payload.Int(p, "attempt"),
        [.. (p[PayloadKeys.Answers] as JsonObject ?? [])
            .Where(a => a.Value is JsonValue v && v.TryGetValue<string>(out _))
            .Select(a => KeyValuePair.Create(a.Key, a.Value!.GetValue<string>()))],
        Payload.Int(p, "correct"), Payload.Int(p, "total"), Payload.Bool(p, "passed"), Payload.Int(p, PayloadKeys.AttemptsLeft),
        [.. Payload.Texts(p, "review")]);
}

/// <summary><see cref="EventTypes.HoldOpened"/>: a discussion the clinician must record before the patient can sign.</summary>
public sealed record HoldOpenedPayload(string HoldId, HoldKind Kind) : EventPayload
{
    public override string Type => EventTypes.HoldOpened;

    public override JsonObject ToJson() => new() { ["holdId"] = HoldId, [PayloadKeys.Kind] = Kind == HoldKind.Comprehension ? "comprehension" : "discussion" };

    /// <remarks>A hold of any kind but <c>comprehension</c> is a discussion, as it always was read.</remarks>
    public static HoldOpenedPayload From(JsonObject p, string? stepId) => new(
        Payload.Text(p, "holdId") ?? stepId ?? "", Payload.Text(p, PayloadKeys.Kind) == "comprehension" ? HoldKind.Comprehension : HoldKind.Discussion);
}

/// <summary><see cref="EventTypes.DiscussionRecorded"/>: the clinician's note and the holds it resolves.</summary>
public sealed record DiscussionRecordedPayload(string? Note, string? StaffId, IReadOnlyList<string> ResolvedHolds) : EventPayload
{
    public override string Type => EventTypes.DiscussionRecorded;

    public override JsonObject ToJson() => new()
    {
        ["note"] = Note,
        [PayloadKeys.StaffId] = StaffId,
        ["resolvedHolds"] = new JsonArray([.. ResolvedHolds.Select(id => (JsonNode)JsonValue.Create(id))]),
    };

    public static DiscussionRecordedPayload From(JsonObject p) =>
        new(Payload.Text(p, "note"), Payload.Text(p, PayloadKeys.StaffId), [.. Payload.Texts(p, "resolvedHolds")]);
}

/// <summary><see cref="EventTypes.QuestionAsked"/>: the patient's question.</summary>
public sealed record QuestionAskedPayload(string? QuestionId, string Text) : EventPayload
{
    public override string Type => EventTypes.QuestionAsked;

    public override JsonObject ToJson() => new() { ["questionId"] = QuestionId, ["text"] = Text };

    public static QuestionAskedPayload From(JsonObject p) => new(Payload.Text(p, "questionId"), Payload.Text(p, "text") ?? "");
}

/// <summary><see cref="EventTypes.QuestionAnswered"/>: the clinician's answer.</summary>
public sealed record QuestionAnsweredPayload(string? QuestionId, string? Answer, string? StaffId) : EventPayload
{
    public override string Type => EventTypes.QuestionAnswered;

    public override JsonObject ToJson() => new() { ["questionId"] = QuestionId, ["answer"] = Answer, [PayloadKeys.StaffId] = StaffId };

    public static QuestionAnsweredPayload From(JsonObject p) =>
        new(Payload.Text(p, "questionId"), Payload.Text(p, "answer"), Payload.Text(p, PayloadKeys.StaffId));
}

/// <summary><see cref="EventTypes.AskCompleted"/>: the patient has no more questions (no members).</summary>
public sealed record AskCompletedPayload : EventPayload
{
    public override string Type => EventTypes.AskCompleted;

    public override JsonObject ToJson() => [];
}

/// <summary>
/// <see cref="EventTypes.StopReached"/>: a screening answer ended the session with this outcome.
/// <paramref name="Confirmed"/> is true when the patient was shown the answers and confirmed them
/// (every stop with a condition since confirmation came in); stored only then, so older payloads hash as before.
/// </summary>
public sealed record StopReachedPayload(string? Outcome, bool Confirmed = false) : EventPayload
{
    public override string Type => EventTypes.StopReached;

    public override JsonObject ToJson()
    {
        var json = new JsonObject { ["outcome"] = Outcome };
        if (Confirmed)
        {
            json["confirmed"] = true;
        }

        return json;
    }

    public static StopReachedPayload From(JsonObject p) => new(Payload.Text(p, "outcome"), Payload.Bool(p, "confirmed"));
}

/// <summary><see cref="EventTypes.AnswersReopened"/>: the patient went back from <paramref name="Stop"/> to change this step's answers.</summary>
public sealed record AnswersReopenedPayload(string? Stop) : EventPayload
{
    public override string Type => EventTypes.AnswersReopened;

    public override JsonObject ToJson() => new() { ["stop"] = Stop };

    public static AnswersReopenedPayload From(JsonObject p) => new(Payload.Text(p, "stop"));
}

/// <summary><see cref="EventTypes.PatientSigned"/>: the typed name and the drawn strokes, if any.</summary>
/// <remarks>
/// <paramref name="NameMatches"/> is false when the typed name is not the registered one
/// (<see cref="PersonNames"/>); stored only then (<c>nameMatches: false</c>), so older payloads hash as before.
/// <para><paramref name="Mark"/>: the patient, who cannot write, drew a mark before an impartial witness (<c>method: mark</c>).</para>
/// </remarks>
public sealed record PatientSignedPayload(string FullName, ImmutableArray<ImmutableArray<(double X, double Y)>> Strokes, bool NameMatches = true, bool Mark = false) : EventPayload
{
    public override string Type => EventTypes.PatientSigned;

    /// <summary><c>mark</c> for a mark, <c>drawn</c> when strokes were drawn, else <c>typed</c>.</summary>
    public string Method => Mark ? "mark" : Strokes.Length > 0 ? "drawn" : "typed";

    public override JsonObject ToJson() => new JsonObject
    {
        ["fullName"] = FullName,
        [PayloadKeys.Method] = Method,
        ["certified"] = true,
        ["strokes"] = WriteStrokes(Strokes),
    }.WithNameMismatch(NameMatches);

    public static PatientSignedPayload From(JsonObject p) =>
        new(Payload.Text(p, "fullName") ?? "", ReadStrokes(p["strokes"]), !(p["nameMatches"] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.False),
            Payload.Text(p, PayloadKeys.Method) == "mark");

    internal static JsonArray WriteStrokes(ImmutableArray<ImmutableArray<(double X, double Y)>> strokes) =>
        new([.. strokes.Select(s => (JsonNode)new JsonArray([.. s.Select(p => (JsonNode)new JsonArray(p.X, p.Y))]))]);

    /// <summary>How the payload says it was signed (a stored <c>method</c> wins over the strokes).</summary>
    public static string? MethodOf(JsonObject p) => Payload.Text(p, PayloadKeys.Method);

    internal static ImmutableArray<ImmutableArray<(double X, double Y)>> ReadStrokes(JsonNode? node) =>
        node is JsonArray strokes
            ? [.. strokes.OfType<JsonArray>().Select(stroke => stroke.OfType<JsonArray>()
                .Where(point => point.Count == 2)
                .Select(point => (point[0]!.GetValue<double>(), point[1]!.GetValue<double>()))
                .ToImmutableArray())]
            : [];
}

/// <summary>
/// <see cref="EventTypes.SignerSigned"/>: a signature by someone other than the patient - the representative, the impartial
/// witness or the interpreter (<see cref="SignerKind"/>) - with the typed name, how, and the strokes if drawn.
/// </summary>
public sealed record SignerSignedPayload(SignerKind Signer, string FullName, ImmutableArray<ImmutableArray<(double X, double Y)>> Strokes, bool NameMatches = true) : EventPayload
{
    public override string Type => EventTypes.SignerSigned;

    public string Method => Strokes.Length > 0 ? "drawn" : "typed";

    public override JsonObject ToJson() => new JsonObject
    {
        [PayloadKeys.Signer] = SignerNames.Of(Signer),
        ["fullName"] = FullName,
        [PayloadKeys.Method] = Method,
        ["certified"] = true,
        ["strokes"] = PatientSignedPayload.WriteStrokes(Strokes),
    }.WithNameMismatch(NameMatches);

    public static SignerSignedPayload From(JsonObject p) =>
        new(SignerNames.Parse(Payload.Text(p, PayloadKeys.Signer)) ?? SignerKind.Witness, Payload.Text(p, "fullName") ?? "",
            PatientSignedPayload.ReadStrokes(p["strokes"]), !(p["nameMatches"] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.False));
}

/// <summary><see cref="EventTypes.ClinicianCountersigned"/>: who countersigned, having accepted the attestation.</summary>
/// <remarks><paramref name="NameConfirmed"/>: the clinician confirmed who signed under a name that is not the registered one (stored only then).</remarks>
public sealed record ClinicianCountersignedPayload(string? StaffId, bool NameConfirmed = false) : EventPayload
{
    public override string Type => EventTypes.ClinicianCountersigned;

    public override JsonObject ToJson()
    {
        var json = new JsonObject { [PayloadKeys.StaffId] = StaffId, ["statementAccepted"] = true };
        if (NameConfirmed)
        {
            json["nameConfirmed"] = true;
        }

        return json;
    }

    public static ClinicianCountersignedPayload From(JsonObject p) => new(Payload.Text(p, PayloadKeys.StaffId), Payload.Bool(p, "nameConfirmed"));
}

/// <summary><see cref="EventTypes.RecordIssued"/>: the signed record's SHA-256 and kind.</summary>
public sealed record RecordIssuedPayload(string Sha256, string Kind) : EventPayload
{
    public override string Type => EventTypes.RecordIssued;

    public override JsonObject ToJson() => new() { [PayloadKeys.Sha256] = Sha256, [PayloadKeys.Kind] = Kind };

    public static RecordIssuedPayload From(JsonObject p) => new(Payload.Text(p, PayloadKeys.Sha256) ?? "", Payload.Text(p, PayloadKeys.Kind) ?? "");
}

/// <summary><see cref="EventTypes.Declined"/>: the patient's reason, when given (no member otherwise).</summary>
public sealed record DeclinedPayload(string? Reason) : EventPayload
{
    public override string Type => EventTypes.Declined;

    public override JsonObject ToJson() => Reason is null ? new JsonObject() : new JsonObject { [PayloadKeys.Reason] = Reason };

    public static DeclinedPayload From(JsonObject p) => new(Payload.Text(p, PayloadKeys.Reason));
}

/// <summary><see cref="EventTypes.Expired"/>: when the link ran out.</summary>
public sealed record ExpiredPayload(string ExpiresAt) : EventPayload
{
    public override string Type => EventTypes.Expired;

    public override JsonObject ToJson() => new() { [PayloadKeys.ExpiresAt] = ExpiresAt };

    public static ExpiredPayload From(JsonObject p) => new(Payload.Text(p, PayloadKeys.ExpiresAt) ?? "");
}

/// <summary><see cref="EventTypes.Voided"/>: why, and who voided the session.</summary>
public sealed record VoidedPayload(string? Reason, string? StaffId) : EventPayload
{
    public override string Type => EventTypes.Voided;

    public override JsonObject ToJson() => new() { [PayloadKeys.Reason] = Reason, [PayloadKeys.StaffId] = StaffId };

    public static VoidedPayload From(JsonObject p) => new(Payload.Text(p, PayloadKeys.Reason), Payload.Text(p, PayloadKeys.StaffId));
}

/// <summary><see cref="EventTypes.Withdrawn"/>: why, and who recorded it (a staff id or <c>patient</c>).</summary>
public sealed record WithdrawnPayload(string? Reason, string? RecordedBy) : EventPayload
{
    public override string Type => EventTypes.Withdrawn;

    public override JsonObject ToJson() => new() { [PayloadKeys.Reason] = Reason, ["recordedBy"] = RecordedBy };

    public static WithdrawnPayload From(JsonObject p) => new(Payload.Text(p, PayloadKeys.Reason), Payload.Text(p, "recordedBy"));
}

/// <summary><see cref="EventTypes.ReferralFollowedUp"/>: the clinician's note of the follow-up, and who made it.</summary>
public sealed record ReferralFollowedUpPayload(string? Note, string? StaffId) : EventPayload
{
    public override string Type => EventTypes.ReferralFollowedUp;

    public override JsonObject ToJson() => new() { ["note"] = Note, [PayloadKeys.StaffId] = StaffId };

    public static ReferralFollowedUpPayload From(JsonObject p) => new(Payload.Text(p, "note"), Payload.Text(p, PayloadKeys.StaffId));
}

/// <summary>
/// The consent a re-consent session replaces, sealed into its <see cref="EventTypes.SessionCreated"/>: the earlier
/// session, the SHA-256 of its consent record, the workflow version it signed and when it was signed. The new
/// record names it, and the patient is shown what changed since that version.
/// </summary>
public sealed record Supersedes(Guid SessionId, string RecordSha256, int Version, DateTimeOffset SignedAt)
{
    public JsonObject ToJson() => new()
    {
        ["sessionId"] = SessionId.ToString(),
        [PayloadKeys.Sha256] = RecordSha256,
        ["version"] = Version,
        ["signedAt"] = Payload.Iso(SignedAt),
    };

    /// <summary>The object as sealed, or null when absent or incomplete.</summary>
    public static Supersedes? From(JsonObject? p) =>
        p is not null && Guid.TryParse(Payload.Text(p, "sessionId"), out var id) && Payload.Text(p, PayloadKeys.Sha256) is { Length: 64 } sha
            && Payload.Time(Payload.Text(p, "signedAt")) is { } signedAt
            ? new Supersedes(id, sha, Payload.Int(p, "version"), signedAt)
            : null;
}

/// <summary>
/// The consent a dose-day check-in relies on, sealed into its <see cref="EventTypes.SessionCreated"/> when it starts: the
/// patient's consent session of the workflow the check-in <c>requires</c> that was in force then, the version signed, when
/// it was signed, and the SHA-256 of its signed record when that record was already issued (the record is issued by a
/// background job moments after the countersignature, so a check-in started in between names the session only; the
/// check-in's own record then reads the SHA-256 from the consent record stored for that session, which never changes).
/// </summary>
public sealed record ReliesOn(Guid SessionId, int Version, DateTimeOffset SignedAt, string? RecordSha256)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["sessionId"] = SessionId.ToString(),
            ["version"] = Version,
            ["signedAt"] = Payload.Iso(SignedAt),
        };
        if (RecordSha256 is not null)
        {
            json[PayloadKeys.Sha256] = RecordSha256;
        }

        return json;
    }

    /// <summary>The object as sealed, or null when absent or incomplete.</summary>
    public static ReliesOn? From(JsonObject? p) =>
        p is not null && Guid.TryParse(Payload.Text(p, "sessionId"), out var id) && Payload.Time(Payload.Text(p, "signedAt")) is { } signedAt
            ? new ReliesOn(id, Payload.Int(p, "version"), signedAt, Payload.Text(p, PayloadKeys.Sha256) is { Length: 64 } sha ? sha : null)
            : null;
}

/// <summary>
/// <see cref="EventTypes.PaperConsentRecorded"/>: who attested the paper form, the scan by its SHA-256 (lower-case hex),
/// type, size and page count, the date the patient signed it, and the attestation as signed.
/// </summary>
public sealed record PaperConsentRecordedPayload(
    string StaffId, string ScanSha256, string ContentType, long Bytes, int Pages, string SignedOn, string Attestation) : EventPayload
{
    public override string Type => EventTypes.PaperConsentRecorded;

    public override JsonObject ToJson() => new()
    {
        [PayloadKeys.StaffId] = StaffId,
        ["scanSha256"] = ScanSha256,
        ["contentType"] = ContentType,
        ["bytes"] = Bytes,
        ["pages"] = Pages,
        ["signedOn"] = SignedOn,
        ["attestation"] = Attestation,
    };

    public static PaperConsentRecordedPayload From(JsonObject p) => new(
        Payload.Text(p, PayloadKeys.StaffId) ?? "", Payload.Text(p, "scanSha256") ?? "", Payload.Text(p, "contentType") ?? "",
        p["bytes"] is JsonValue b && b.TryGetValue<long>(out var bytes) ? bytes : 0, Payload.Int(p, "pages"),
        Payload.Text(p, "signedOn") ?? "", Payload.Text(p, "attestation") ?? "");

    /// <summary>
    /// The clinician's attestation, in the clinic's words for the paper path: "The patient signed this paper form, version N,
    /// in my presence on &lt;date&gt;." (ISO date, so it reads the same in every time zone).
    /// </summary>
    public static string AttestationFor(int version, DateOnly signedOn) =>
        $"The patient signed this paper form, version {version}, in my presence on {signedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}.";
}

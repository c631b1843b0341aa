using System.Text.Json.Nodes;
using Consent.Web.Settings;
using Consent.Web.SignedRecords;
using Consent.Web.UseCases.PatientRecords;
using Microsoft.Extensions.Options;

namespace Consent.Web.UseCases.CdsHooks;

/// <summary>
/// The <c>ketamine-consent</c> CDS Service (HL7 CDS Hooks 2.0): for a draft order of ketamine or esketamine it asks the
/// consent gate and answers cards, none when the gate allows the dose.
/// </summary>
/// <remarks>
/// <para>CDS Hooks 2.0, "Calling a CDS Service": the request carries <c>hook</c>, <c>hookInstance</c>, <c>context</c> and
/// <c>prefetch</c>. For <c>order-sign</c> (and <c>order-select</c>) <c>context.draftOrders</c> is a FHIR Bundle of the
/// orders; <c>order-select</c>'s <c>context.selections</c> names those just chosen, and only those are checked.</para>
/// <para>"Prefetch Template": discovery asks for <c>patient: "Patient/{{context.patientId}}"</c>. The patient is the
/// Consent patient whose MRN is the prefetched Patient's identifier of <c>CdsHooks:MrnSystem</c> (and, when the EHR gives
/// a birth date, whose date of birth is that one). A call without the Patient is answered as the spec says of a service
/// that cannot get the data it needs: 412 Precondition Failed (this service does not query the EHR's FHIR server).</para>
/// <para>"CDS Service Response" / "Card Attributes": each card has a <c>uuid</c>, a <c>summary</c> under 140 characters,
/// a Markdown <c>detail</c>, an <c>indicator</c> (<c>warning</c> or <c>critical</c>), a <c>source</c> and absolute links.</para>
/// </remarks>
public sealed partial class KetamineConsentHook(ConsentGate gate, IOptions<CdsHooksOptions> options, ClinicSettings clinic)
{
    /// <summary>The service id in discovery and in its URL, <c>/cds-services/ketamine-consent</c>.</summary>
    public const string ServiceId = "ketamine-consent";

    /// <summary>The hooks this service answers.</summary>
    public static readonly IReadOnlyList<string> Hooks = ["order-sign", "order-select"];

    /// <summary>The discovery response (CDS Hooks 2.0, "Discovery"): one service per hook, each asking for the Patient.</summary>
    public static JsonObject Discovery() => new()
    {
        ["services"] = new JsonArray([.. Hooks.Select(hook => (JsonNode)new JsonObject
        {
            ["hook"] = hook,
            ["title"] = "Ketamine and esketamine consent gate",
            ["description"] = "Checks a ketamine or esketamine order against the patient's signed consent and today's dose-day check-in: "
                + "no card when the dose may go ahead, a warning when no check-in was cleared today, a critical card when there is no valid consent.",
            ["id"] = ServiceId,
            ["prefetch"] = new JsonObject { ["patient"] = "Patient/{{context.patientId}}" },
        })]),
    };

    /// <summary>The cards for one call; <paramref name="baseUrl"/> is where staff open the service's pages.</summary>
    public async Task<Outcome<JsonObject>> CardsAsync(JsonNode? body, string baseUrl, CancellationToken ct)
    {
        if (body is not JsonObject request || Text(request["hook"]) is not { } hook || !Hooks.Contains(hook))
        {
            return FieldErrors.One("hook", $"Send a CDS Hooks request for one of the hooks {string.Join(", ", Hooks)}.");
        }

        if ((request["context"] as JsonObject)?["draftOrders"] is not JsonObject { } draftOrders || Text(draftOrders["resourceType"]) != "Bundle")
        {
            return FieldErrors.One("context.draftOrders", "context.draftOrders must be a FHIR Bundle of the draft orders.");
        }

        var selections = hook == "order-select" && request["context"]?["selections"] is JsonArray chosen
            ? chosen.Select(Text).OfType<string>().ToList() : null;
        var orders = options.Value.OrderWorkflows();
        var entries = (draftOrders["entry"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(e => e["resource"] is JsonObject)
            .Select(e => new Found((JsonObject)e["resource"]!, (JsonObject)e["resource"]!, Text(e["fullUrl"])?.Trim()))
            .ToList();
        var drugs = Selected(entries.Where(e => Text(e.Resource["resourceType"]) == "MedicationRequest").ToList(), selections, entries)
            .Select(e => (Order: e, Drug: Drug(e, entries)))
            .ToList();
        // An order whose drug cannot be known may be any drug the gate covers: it is judged as each (fail closed).
        var unknown = drugs.Where(d => d.Drug.Unknown is not null).Select(d => $"order {OrderName(d.Order)} ({d.Drug.Unknown})").ToList();
        var needed = drugs
            .SelectMany(d => d.Drug.Codes)
            .Select(code => orders.GetValueOrDefault(code))
            .OfType<string>()
            .Concat(unknown.Count > 0 ? orders.Values : [])
            .Distinct(StringComparer.Ordinal)
            .Where(gate.IsConsentWorkflow)
            .ToList();
        var unknownNote = unknown.Count == 0 ? ""
            : $" The medication of {string.Join("; ", unknown)} cannot be identified, so it is checked as an order that needs this consent.";
        if (needed.Count == 0)
        {
            return Response([]);
        }

        if ((request["prefetch"] as JsonObject)?["patient"] is not JsonObject patient || Text(patient["resourceType"]) != "Patient")
        {
            return new Refusal(RefusedAs.PreconditionFailed, "Prefetch missing",
                "The order is for ketamine or esketamine, and this service needs the Patient to check consent: send prefetch.patient "
                + "(Patient/{{context.patientId}}) as discovery asks.");
        }

        var mrns = (patient["identifier"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(i => Text(i["system"]) == options.Value.MrnSystem)
            .Select(i => Text(i["value"])?.Trim())
            .Where(v => !string.IsNullOrEmpty(v))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        // Two different MRNs of the clinic's system: which patient is meant cannot be known, so no consent is shown (fail closed).
        var mrn = mrns.Count == 1 ? mrns[0] : null;
        // The patient, their consent sessions and latest check-ins in one round trip, read fresh for this call.
        var found = mrn is null ? null : await gate.GateByMrnAsync(mrn, needed, ct);
        if (found is not null && !SameBirthDate(patient["birthDate"], found.DateOfBirth))
        {
            found = null; // the same MRN for someone else (or a birth date that cannot be compared): never show another person's consent
        }

        var cards = new JsonArray();
        foreach (var workflow in needed)
        {
            if (found is null)
            {
                cards.Add(Card("critical", "No valid consent",
                    $"No consent to **{workflow}** is on file: the status is **none**. "
                    + (mrns.Count > 1 ? $"The patient has more than one MRN of system {options.Value.MrnSystem}, so the consent service cannot tell who they are."
                        : mrn is null ? $"The patient has no MRN of system {options.Value.MrnSystem}, so the consent service cannot find them."
                        : "The consent service has no patient with this MRN and date of birth.")
                    + " Register the patient and start a consent before ordering." + unknownNote,
                    ("Register the patient and start consent", $"{baseUrl}/clinician/patients")));
                continue;
            }

            var view = found.Views[workflow];
            if (view.Allowed)
            {
                continue;
            }

            var patientPage = $"{baseUrl}/clinician/patients/{found.Id}";
            cards.Add(view.ConsentInForce
                ? Card("warning", "No check-in today",
                    $"The consent to **{workflow}** is **{view.Consent.Status}** (version {view.Consent.Version}), but no dose-day check-in "
                    + "was cleared today. " + string.Join(" ", view.Reasons) + unknownNote,
                    ("Open the patient to start today's check-in", patientPage))
                : Card("critical", "No valid consent",
                    $"There is no valid consent to **{workflow}**: the status is **{view.Consent.Status}**. " + string.Join(" ", view.Reasons) + unknownNote,
                    ("Open the patient to start or renew consent", patientPage)));
        }

        return Response(cards);
    }

    private static JsonObject Response(JsonArray cards) => new() { ["cards"] = cards };

    private JsonObject Card(string indicator, string summary, string detail, (string Label, string Url) link) => new()
    {
        ["uuid"] = Guid.NewGuid().ToString(),
        ["summary"] = summary,
        ["detail"] = detail,
        ["indicator"] = indicator,
        ["source"] = new JsonObject { ["label"] = $"{clinic.Clinic.Name} consent service" },
        ["links"] = new JsonArray(new JsonObject { ["label"] = link.Label, ["url"] = link.Url, ["type"] = "absolute" }),
    };

    /// <summary>A resource found in the draft orders: a Bundle entry's resource, or one contained in <see cref="Container"/>, with the entry's fullUrl.</summary>
    private sealed record Found(JsonObject Resource, JsonObject Container, string? FullUrl);

    /// <summary>
    /// The orders to check: all of them, or for <c>order-select</c> those <c>context.selections</c> names. A selection is a
    /// reference resolved as <see cref="Resolve"/> does (<c>MedicationRequest/id</c>, with or without a version, an entry's
    /// fullUrl), and an absolute RESTful URL also names the entry of that type and id. A selection that names no entry of
    /// the request leaves what was chosen unknown, so every order is checked (fail closed).
    /// </summary>
    private static List<Found> Selected(List<Found> requests, List<string>? selections, IReadOnlyList<Found> bundle)
    {
        if (selections is null)
        {
            return requests;
        }

        var outside = new Found([], [], null);
        var named = new HashSet<JsonObject>(ReferenceEqualityComparer.Instance);
        foreach (var selection in selections.Select(s => s.Trim()))
        {
            var found = Resolve(selection, outside, bundle);
            if (Restful(WithoutVersion(selection).Target) is { } restful)
            {
                found.AddRange(bundle.Where(e => Names(e, restful.Type, restful.Id)));
            }

            if (found.Count == 0)
            {
                return requests;
            }

            named.UnionWith(found.Select(e => e.Resource));
        }

        return [.. requests.Where(r => named.Contains(r.Resource))];
    }

    /// <summary>What an order is for: the RxNorm codes read, and why its drug cannot be known when it cannot (else null).</summary>
    private sealed record OrderedDrug(List<string> Codes, string? Unknown);

    /// <summary>
    /// The drug of a MedicationRequest (FHIR R4 MedicationRequest.medication[x]; R5's CodeableReference
    /// <c>medication.concept</c> and <c>medication.reference</c> are read too): the RxNorm codes of its
    /// <c>medicationCodeableConcept</c>, and those of the Medication its <c>medicationReference</c> names, as
    /// <see cref="Resolve"/> finds it (<see cref="MedicationCodes"/>). A reference that names no Medication here (an
    /// identifier or display only, a reference to nothing in the request, or not a Reference) leaves the drug unknown:
    /// this service does not query the EHR, so it cannot tell it is not ketamine, and the order is judged.
    /// </summary>
    private static OrderedDrug Drug(Found order, IReadOnlyList<Found> bundle)
    {
        var codes = Codes(order.Resource["medicationCodeableConcept"] as JsonObject).ToList();
        codes.AddRange(Codes((order.Resource["medication"] as JsonObject)?["concept"] as JsonObject));
        string? unknown = null;
        foreach (var (element, reference) in new[]
        {
            ("medicationReference", order.Resource["medicationReference"]),
            ("medication.reference", (order.Resource["medication"] as JsonObject)?["reference"]),
        })
        {
            if (reference is null)
            {
                continue;
            }

            var target = Text((reference as JsonObject)?["reference"])?.Trim();
            var medications = string.IsNullOrEmpty(target) ? []
                : Resolve(target, order, bundle).Where(m => Text(m.Resource["resourceType"]) == "Medication").ToList();
            if (medications.Count == 0)
            {
                unknown ??= string.IsNullOrEmpty(target) ? $"its {element} has no reference, only an identifier or a display"
                    : $"its {element} names no Medication in the draft orders";
            }

            codes.AddRange(medications.SelectMany(m => MedicationCodes(m, bundle, 0)));
        }

        return new OrderedDrug(codes, unknown);
    }

    /// <summary>An order as a card names it: its id when it is a FHIR id (never free text from the request in Markdown), else its place.</summary>
    private static string OrderName(Found order) =>
        Text(order.Resource["id"]) is { } id && FhirIdRule().IsMatch(id) ? $"MedicationRequest/{id}" : "MedicationRequest without an id";

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9\-.]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex FhirIdRule();

    /// <summary>How deep a Medication's ingredients that are Medications themselves are followed.</summary>
    private const int MaxIngredientDepth = 3;

    /// <summary>
    /// The RxNorm codes of a Medication: its <c>code</c>, and its ingredients' (R4 <c>ingredient.itemCodeableConcept</c>,
    /// R5 <c>ingredient.item.concept</c>, and the <c>code</c> of a Medication or Substance an ingredient's reference names),
    /// so a Medication coded only by what is in it (RxNorm 6130, ketamine) is still a ketamine order.
    /// </summary>
    private static List<string> MedicationCodes(Found medication, IReadOnlyList<Found> bundle, int depth)
    {
        var codes = Codes(medication.Resource["code"] as JsonObject).ToList();
        foreach (var ingredient in (medication.Resource["ingredient"] as JsonArray ?? []).OfType<JsonObject>())
        {
            codes.AddRange(Codes(ingredient["itemCodeableConcept"] as JsonObject));
            var item = ingredient["item"] as JsonObject; // R5 CodeableReference
            codes.AddRange(Codes(item?["concept"] as JsonObject));
            var reference = Text((ingredient["itemReference"] as JsonObject)?["reference"]) ?? Text((item?["reference"] as JsonObject)?["reference"]);
            if (depth < MaxIngredientDepth && reference?.Trim() is { Length: > 0 } target)
            {
                foreach (var named in Resolve(target, medication, bundle))
                {
                    codes.AddRange(Text(named.Resource["resourceType"]) switch
                    {
                        "Medication" => MedicationCodes(named, bundle, depth + 1),
                        "Substance" => Codes(named.Resource["code"] as JsonObject),
                        _ => [],
                    });
                }
            }
        }

        return codes;
    }

    /// <summary>
    /// The RxNorm codes of a CodeableConcept. The system is RxNorm's URI, over http or https, compared without a trailing
    /// slash or capitals, or its OID (<see cref="RxNormOid"/>); the code is compared without spaces, and may be a JSON
    /// number: a small difference in how an EHR writes them never lets an order through unchecked.
    /// </summary>
    private static IEnumerable<string> Codes(JsonObject? concept) =>
        (concept?["coding"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(c => IsRxNorm(Text(c["system"])))
            .Select(c => Code(c["code"]))
            .OfType<string>();

    /// <summary>A code as text: a string without surrounding spaces, or a whole JSON number (<c>6130</c>) as its digits.</summary>
    private static string? Code(JsonNode? code) => code is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number
        ? value.TryGetValue<decimal>(out var number) && number == decimal.Truncate(number) && number >= 0
            ? decimal.Truncate(number).ToString(System.Globalization.CultureInfo.InvariantCulture) : null
        : Text(code)?.Trim();

    /// <summary>
    /// The resources a reference made from <paramref name="from"/> names, as FHIR R4 resolves references in a Bundle
    /// (https://hl7.org/fhir/R4/bundle.html#references): <c>#id</c> a resource contained in the one that refers; an
    /// absolute URL (<c>urn:uuid:</c> and <c>urn:oid:</c> included) the entry whose fullUrl is that URL; a relative one
    /// (<c>Medication/id</c>), when the referring entry's fullUrl is a RESTful URL, the entry whose fullUrl is the same
    /// base followed by it, else (or for an entry without a fullUrl) the resource of that type and id. A version
    /// (<c>/_history/v</c>) is taken off before matching and then compared with the resource's <c>meta.versionId</c>.
    /// Empty when it names nothing here.
    /// </summary>
    private static List<Found> Resolve(string reference, Found from, IReadOnlyList<Found> bundle)
    {
        reference = reference.Trim();
        if (reference.StartsWith('#'))
        {
            var id = reference[1..];
            return id.Length == 0 ? [] : (from.Container["contained"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(r => Text(r["id"]) == id)
                .Select(r => new Found(r, from.Container, from.FullUrl))
                .ToList();
        }

        var (target, version) = WithoutVersion(reference);
        List<Found> found;
        if (IsAbsolute(target))
        {
            found = [.. bundle.Where(e => e.FullUrl == target)];
        }
        else if (Restful(target) is not { Base: "" } relative)
        {
            return []; // not a reference to a resource
        }
        else if (Restful(from.FullUrl) is { Base.Length: > 0 } origin)
        {
            var absolute = origin.Base + target;
            found = [.. bundle.Where(e => e.FullUrl == absolute || (e.FullUrl is null && Names(e, relative.Type, relative.Id)))];
        }
        else
        {
            found = [.. bundle.Where(e => Names(e, relative.Type, relative.Id))];
        }

        return version is null ? found : [.. found.Where(e => Text((e.Resource["meta"] as JsonObject)?["versionId"]) is not { } v || v == version)];
    }

    /// <summary>True when the entry is the resource of this type and id, by its own id or by its RESTful fullUrl.</summary>
    private static bool Names(Found entry, string type, string id) =>
        Text(entry.Resource["resourceType"]) == type
        && (Text(entry.Resource["id"]) == id || (Restful(entry.FullUrl) is { } url && url.Type == type && url.Id == id));

    /// <summary>A reference without its <c>/_history/version</c>, and the version.</summary>
    private static (string Target, string? Version) WithoutVersion(string reference)
    {
        var at = reference.LastIndexOf("/_history/", StringComparison.Ordinal);
        return at > 0 && Restful(reference) is not null ? (reference[..at], reference[(at + "/_history/".Length)..]) : (reference, null);
    }

    /// <summary>An absolute URI (it has a scheme: <c>https:</c>, <c>urn:</c>), as opposed to a relative reference.</summary>
    private static bool IsAbsolute(string reference) => SchemeRule().IsMatch(reference);

    /// <summary>
    /// A RESTful URL (FHIR R4 References, "Literal References": <c>[base]/Type/id</c>, optionally <c>/_history/version</c>),
    /// absolute or relative: its base (empty when relative, else ending in a slash), type and id; null otherwise.
    /// </summary>
    private static (string Base, string Type, string Id)? Restful(string? url)
    {
        var match = url is null ? null : RestfulRule().Match(url);
        return match is { Success: true } ? (match.Groups["base"].Value, match.Groups["type"].Value, match.Groups["id"].Value) : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial System.Text.RegularExpressions.Regex SchemeRule();

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?<base>https?://[^?#]+/)?(?<type>[A-Z][A-Za-z]+)/(?<id>[A-Za-z0-9\-.]{1,64})(/_history/[A-Za-z0-9\-.]{1,64})?$")]
    private static partial System.Text.RegularExpressions.Regex RestfulRule();

    /// <summary>RxNorm's OID (HL7 terminology, RxNorm: "urn:oid:2.16.840.1.113883.6.88"), which some EHRs send as the system.</summary>
    public const string RxNormOid = "urn:oid:2.16.840.1.113883.6.88";

    private static bool IsRxNorm(string? system)
    {
        var given = system?.Trim().TrimEnd('/');
        if (given is null)
        {
            return false;
        }

        var canonical = CdsHooksOptions.RxNormSystem["http://".Length..];
        return string.Equals(given, RxNormOid, StringComparison.OrdinalIgnoreCase)
            || string.Equals(given, CdsHooksOptions.RxNormSystem, StringComparison.OrdinalIgnoreCase)
            || string.Equals(given, "https://" + canonical, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// True when the EHR sent no birth date, or one that agrees with <paramref name="dateOfBirth"/>: a full date equal to it,
    /// or a partial FHIR date (<c>YYYY</c>, <c>YYYY-MM</c>) it falls in. Anything else (another date, or a value that is not a
    /// FHIR date) is false, so the gate fails closed.
    /// </summary>
    private static bool SameBirthDate(JsonNode? birthDate, DateOnly dateOfBirth)
    {
        if (birthDate is null)
        {
            return true;
        }

        var given = Text(birthDate)?.Trim() ?? "";
        var full = dateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return given.Length is 4 or 7 or 10 && System.Text.RegularExpressions.Regex.IsMatch(given, "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")
            && full.StartsWith(given, StringComparison.Ordinal);
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

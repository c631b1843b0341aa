namespace Consent.Web.Settings;

/// <summary>
/// The EHR side of the consent gate (section <c>CdsHooks</c>): CDS Hooks 2.0 and the FHIR Consent search
/// (Api/CdsHooksApi.cs, Api/FhirApi.cs). Both trust only the clients in <see cref="TrustedClientsPath"/>.
/// </summary>
public sealed class CdsHooksOptions
{
    public const string Section = "CdsHooks";

    /// <summary>The RxNorm code system URI (HL7 FHIR terminology: "http://www.nlm.nih.gov/research/umls/rxnorm").</summary>
    public const string RxNormSystem = "http://www.nlm.nih.gov/research/umls/rxnorm";

    /// <summary>
    /// The admin-managed JSON file of trusted clients: <c>{"clients": [{"iss": "...", "keys": [JWK, ...]}]}</c>, each
    /// client's public keys a JWK Set (RFC 7517). Without it, every CDS Hooks call and FHIR search is refused (401).
    /// The file is read again when it changes.
    /// </summary>
    public string? TrustedClientsPath { get; set; }

    /// <summary>Seconds of clock difference allowed when checking <c>exp</c> (and <c>iat</c> and <c>nbf</c>); default 30.</summary>
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>
    /// The longest a token may live (<c>exp</c> − now) in seconds; default 300. A token meant to last longer is refused,
    /// so the store of used <c>jti</c> values, kept until each token's <c>exp</c>, stays small.
    /// </summary>
    public int MaxTokenLifetimeSeconds { get; set; } = 300;

    /// <summary>
    /// The identifier system of the clinic's MRN in the EHR (<c>Patient.identifier.system</c>); default
    /// <c>urn:oid:1.2.36.146.595.217.0.1</c>, the example system of the FHIR R4 Patient example, so an EHR must set its own.
    /// The FHIR Consent search returns the Patient's MRN under it too.
    /// </summary>
    public string MrnSystem { get; set; } = DefaultMrnSystem;

    /// <summary>The MRN system used until one is configured.</summary>
    public const string DefaultMrnSystem = "urn:oid:1.2.36.146.595.217.0.1";

    /// <summary>
    /// The orders the gate checks, each RxNorm code with the consent workflow it needs, as <c>code=workflow</c>
    /// (for example <c>CdsHooks__Orders__0=6130=ketamine-iv-depression</c>); empty means <see cref="DefaultOrders"/>.
    /// </summary>
    public List<string> Orders { get; set; } = [];

    /// <summary>
    /// The RxNorm concepts (RxCUI) of ketamine and esketamine the gate checks by default, and the consent each needs.
    /// </summary>
    /// <remarks>
    /// Looked up in RxNorm (NLM) through the RxNorm concept pages of ndclist.com, which show each concept's RxCUI and
    /// term type from the RxNorm release: 2201623 "esketamine Nasal Spray" (SCDF, clinical drug form) and 2201625
    /// "esketamine Nasal Spray [Spravato]" (SBDF, branded drug form). 6130 is the RxNorm ingredient (IN) ketamine.
    /// Ketamine is ordered as an injectable clinical drug far more often than by its ingredient, so its clinical drug codes
    /// are in the defaults too: the openFDA NDC directory (api.fda.gov/drug/ndc) lists the ketamine hydrochloride
    /// injections (for example NDC 42023-113, Ketalar 10 mg/mL; 0409-2051, 25021-684 and 65219-186, 100 mg/mL) with the
    /// RxCUIs 238082, 238083 and 238084 (generic clinical drugs) and 206967, 206970 and 206972 (Ketalar branded drugs).
    /// An EHR that codes esketamine orders as clinical drugs (SCD/SBD, esketamine 28 MG nasal spray) adds their RxCUIs
    /// with <c>CdsHooks:Orders</c>; they were not confirmed from a primary source here.
    /// </remarks>
    public static readonly IReadOnlyList<string> DefaultOrders =
    [
        "6130=ketamine-iv-depression",       // ketamine (IN)
        "238082=ketamine-iv-depression",     // ketamine injectable solution (clinical drug, openFDA NDC listings)
        "238083=ketamine-iv-depression",     // ketamine injectable solution (clinical drug)
        "238084=ketamine-iv-depression",     // ketamine injectable solution (clinical drug)
        "206967=ketamine-iv-depression",     // Ketalar injectable solution (branded drug)
        "206970=ketamine-iv-depression",     // Ketalar injectable solution (branded drug)
        "206972=ketamine-iv-depression",     // Ketalar injectable solution (branded drug)
        "2201623=esketamine-nasal-trd",      // esketamine Nasal Spray (SCDF)
        "2201625=esketamine-nasal-trd",      // esketamine Nasal Spray [Spravato] (SBDF)
    ];

    /// <summary>The orders in force: RxCUI → consent workflow id.</summary>
    public IReadOnlyDictionary<string, string> OrderWorkflows() =>
        (Orders.Count > 0 ? Orders : DefaultOrders)
            .Select(o => o.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(p => p.Length == 2 && p[0].Length > 0 && p[1].Length > 0)
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
}

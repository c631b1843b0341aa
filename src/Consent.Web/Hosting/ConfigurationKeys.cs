namespace Consent.Web.Hosting;

/// <summary>
/// Every setting the service reads, by configuration key (environment variables use <c>__</c> for
/// <c>:</c>). The README's configuration table and the Docker Compose test are held to this list.
/// </summary>
public static class ConfigurationKeys
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["ConnectionStrings:Consent"] = "Npgsql connection string of the PostgreSQL database, as the runtime role that owns nothing (required).",
        ["ConnectionStrings:ConsentOwner"] = "Connection string of the role that owns the database; used only to migrate and grant (start-up and the migrate command).",
        ["Database:MigrateOnStartup"] = "Apply pending migrations at start-up, as ConnectionStrings:ConsentOwner (default true).",
        ["Database:RuntimeRole"] = "Name of the runtime role the owner grants privileges to (default consent_app).",
        ["ASPNETCORE_ENVIRONMENT"] = "Development seeds demo accounts and relaxes two-factor; anything else is production.",
        ["ASPNETCORE_URLS"] = "Addresses to listen on, e.g. http://0.0.0.0:8080.",
        ["ASPNETCORE_HTTP_PORTS"] = "Port(s) to listen on, on all addresses.",
        ["CONSENT_DEMO_PASSWORD"] = "Development only: the demo staff accounts' password.",
        ["CONSENT_REPOSITORY_ROOT"] = "Folder that holds workflows/ and templates/ (default: the current folder).",
        ["CONSENT_DATA_DIR"] = "Folder for local data: development certificate, development mail (default .data).",
        ["Consent:PublicBaseUrl"] = "Base URL used in patient links and emails (default: the request's own).",
        ["Consent:ClinicName"] = "Clinic name printed on records and in mail.",
        ["Consent:ClinicAddress"] = "Clinic postal address printed on records, lines separated by ';'.",
        ["Consent:ClinicPhone"] = "Clinic phone number printed on records and in mail.",
        ["Consent:ClinicLanguage"] = "The clinic's own language, en or es (default en): a record in another language shows the clinic's wording of every disclosure and answer beside the patient's.",
        ["Consent:TimeZone"] = "IANA time zone in which records show times, e.g. America/New_York (default UTC).",
        ["CdsHooks:TrustedClientsPath"] = "JSON file of the EHRs trusted to call CDS Hooks and the FHIR search: each client's iss and public keys as JWKs (README, Connecting an EHR).",
        ["CdsHooks:MrnSystem"] = "Identifier system of the clinic's MRN in the EHR's Patient (default urn:oid:1.2.36.146.595.217.0.1, an example: set yours).",
        ["CdsHooks:Orders"] = "RxNorm codes the order gate checks, each RXCUI=consent-workflow (default ketamine 6130 and its injection clinical drugs 238082-238084 and Ketalar 206967, 206970, 206972; esketamine nasal spray 2201623 and 2201625).",
        ["CdsHooks:ClockSkewSeconds"] = "Clock difference allowed when checking a client token's exp and iat (default 30).",
        ["CdsHooks:MaxTokenLifetimeSeconds"] = "Longest a client token may live, exp minus now (default 300).",
        ["Signing:CertificatePath"] = "PKCS#12 file of the record-signing certificate (Development creates one).",
        ["Signing:CertificatePassword"] = "Password of that PKCS#12 file.",
        ["DataProtection:CertificatePath"] = "PKCS#12 file of the RSA certificate that encrypts the Data Protection key ring (required outside Development; Development creates one).",
        ["DataProtection:CertificateBase64"] = "The same PKCS#12 file as base64, instead of a path.",
        ["DataProtection:CertificatePassword"] = "Password of that PKCS#12 file.",
        ["DataProtection:PreviousCertificatePath"] = "PKCS#12 file of the previous key-encryption certificate, to read keys it encrypted after a rotation.",
        ["DataProtection:PreviousCertificatePassword"] = "Password of that file.",
        ["Identity:SignInCheckSeconds"] = "How long a node trusts its copy of a staff account's stamp, lockout, activity and roles (default and at most 60).",
        ["Sessions:StateCacheEvents"] = "Bound of the replayed-session-state cache, in events (default 250000, about 90 MiB; 0 turns it off).",
        ["Signing:PreviousCertificatesPath"] = "PEM file of earlier signing certificates whose records stay trusted after a rotation.",
        ["RateLimits:LoginPerMinute"] = "Staff sign-ins per client address per minute (default 20).",
        ["RateLimits:PatientVerifyPerMinute"] = "Date-of-birth checks per client address per minute (default 30).",
        ["RateLimits:PatientRequestsPerMinute"] = "Patient requests per link per minute (default 120).",
        ["RateLimits:RecordChecksPerMinute"] = "Checks on the public record check page (/check) per client address per minute (default 10).",
        ["Proxy:KnownProxies"] = "Addresses of the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed, comma-separated (default none).",
        ["Proxy:KnownNetworks"] = "Networks (CIDR, e.g. 172.28.0.0/24) of such proxies, comma-separated (default none).",
        ["Review:RequiredApprovals"] = "How many distinct ethics reviewers must approve (sign) a workflow version before sessions start on it (default 2; 1 in Development).",
        ["Alerts:DigestMinutes"] = "Minutes at least between two security alert digests mailed to the admins: staff lockouts, date-of-birth lockouts, failed audits (default 15).",
        ["Alerts:CheckSeconds"] = "How often this node checks for alerts to mail (default 30; 0 leaves it to other nodes).",
        ["Audit:IntervalMinutes"] = "How often the service re-checks every chain and record (default 15; 0 turns it off).",
        ["Audit:FirstRunAfterSeconds"] = "Delay before the first audit after start-up (default 20).",
        ["Outbox:RunWorker"] = "Run background jobs (records, patient mail, expiry) on this node (default true; at least one node must).",
        ["Workflows:ApproveInDevelopment"] = "Development: approve newly loaded workflow versions automatically (default true).",
        ["Smtp:Host"] = "SMTP server for invitations and copies (Development writes .eml files instead).",
        ["Smtp:Port"] = "SMTP port (default 587).",
        ["Smtp:From"] = "Sender address of patient mail.",
        ["Smtp:UserName"] = "SMTP user name, if the server needs one.",
        ["Smtp:Password"] = "SMTP password, if the server needs one.",
    };
}

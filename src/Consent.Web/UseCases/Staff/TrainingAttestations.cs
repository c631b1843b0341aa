using System.Security.Claims;
using System.Text.Json.Nodes;
using Consent.Web.Identity;
using Consent.Web.SystemEvents;

namespace Consent.Web.UseCases.Staff;

/// <summary>
/// The training attestation as a staff member sees it: the text in their language, its SHA-256, and
/// when they signed it (null until then); <c>codeNeeded</c> when signing it needs the authenticator code too.
/// </summary>
public sealed record TrainingView(string Language, string Title, string Statement, string Sha256, DateTimeOffset? AttestedAt, string? AttestedLanguage, bool CodeNeeded);

/// <summary>
/// Reading and signing the training attestation (<see cref="TrainingAttestation"/>), for
/// <c>/account/training</c> and <c>/api/v1/account/training</c>. Signing is an electronic signature
/// (<see cref="StaffSignatures"/>: the password, and the code on a sign-in's first signature), made
/// once, and recorded on the system audit trail with the text's hash.
/// </summary>
public sealed class TrainingAttestations(StaffUserManager users, TrainingAttestation texts, StaffSignatures signatures, TimeProvider clock, SystemAudit audit)
{
    public async Task<Outcome<TrainingView>> ViewAsync(ClaimsPrincipal principal, string? language)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return Missing.Nothing;
        }

        var lang = TrainingAttestation.LanguageOf(language ?? user.TrainingAttestationLanguage);
        var (title, statement, hash) = texts.Text(lang);
        return new TrainingView(lang, title, statement, hash, user.TrainingAttestedAt, user.TrainingAttestationLanguage,
            user.TrainingAttestedAt is null && await signatures.NeedsCodeAsync(principal));
    }

    public async Task<Outcome<TrainingView>> AttestAsync(ClaimsPrincipal principal, string? password, string? code, string? language)
    {
        if (language is not null && !TrainingAttestation.Languages.Contains(language))
        {
            return FieldErrors.One("language", $"The attestation is written in {string.Join(" and ", TrainingAttestation.Languages)}.");
        }

        if (await users.GetUserAsync(principal) is not { } current)
        {
            return Missing.Nothing;
        }

        if (current.TrainingAttestedAt is not null)
        {
            return new Refusal(RefusedAs.Conflict, "Already signed", "You signed the training attestation already; it is signed once.");
        }

        var (signer, refused) = await signatures.CheckAsync(principal, password, code, StaffSignatures.Training);
        if (refused is not null)
        {
            return refused;
        }

        var lang = TrainingAttestation.LanguageOf(language);
        texts.Apply(signer!, lang, clock.GetUtcNow());
        var saved = await users.UpdateAsync(signer!);
        if (!saved.Succeeded)
        {
            // Another request changed the account at the same moment (its concurrency stamp moved): most likely the
            // same attestation, sent twice. Nothing of this one was saved.
            return new Refusal(RefusedAs.Conflict, "Already signed",
                "Your account was changed at the same moment, most likely by this attestation sent twice. Reload the page to see whether it is signed.");
        }

        audit.Record(SystemEventTypes.TrainingAttested, new JsonObject
        {
            ["sha256"] = signer!.TrainingAttestationHash,
            ["language"] = lang,
            ["printedName"] = signer.DisplayName,
            ["meaning"] = texts.Text(lang).Statement,
        }, by: principal);
        return await ViewAsync(principal, lang);
    }
}

using System.Security.Cryptography;
using System.Text;
using Consent.Web.Data.Entities;

namespace Consent.Web.Identity;

/// <summary>
/// The training attestation every staff member signs once, before any role works: 21 CFR 11.10(i)
/// (people who use electronic signatures are trained) and 11.100(c) (they certify that their
/// electronic signature is the legally binding equivalent of their handwritten signature).
/// </summary>
/// <remarks>
/// The text is <c>templates/attestation/{en,es}/training.md</c>, a <c># Title</c> line and the
/// statement. What is kept is the SHA-256 of the exact text signed and its language, sealed with the
/// account (<see cref="StaffAccountSeals"/>), so the attestation cannot be added in the database, and
/// a later rewording of the text does not change what an earlier signer agreed to. Until an account
/// has signed, <see cref="StaffSignInVerdicts"/> gives its sign-ins no role.
/// </remarks>
public sealed class TrainingAttestation
{
    public static readonly IReadOnlyList<string> Languages = ["en", "es"];

    private readonly Dictionary<string, (string Title, string Statement, string Hash)> texts = new(StringComparer.Ordinal);

    public TrainingAttestation(WorkflowVersions.WorkflowRegistry workflows)
    {
        foreach (var language in Languages)
        {
            var file = Path.Combine(workflows.RepositoryRoot, "templates", "attestation", language, "training.md");
            if (!File.Exists(file))
            {
                throw new Hosting.StartupProblemException($"The training attestation's text is missing: {file} (templates/attestation/{language}/training.md).");
            }

            var text = File.ReadAllText(file, Encoding.UTF8).Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
            var lines = text.Split('\n', 2);
            var title = lines[0].StartsWith("# ", StringComparison.Ordinal) ? lines[0][2..].Trim() : "Training attestation";
            var statement = (lines[0].StartsWith("# ", StringComparison.Ordinal) ? (lines.Length > 1 ? lines[1] : "") : text).Trim();
            texts[language] = (title, statement, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(statement))));
        }
    }

    /// <summary>The language asked for when there is a text in it; English otherwise.</summary>
    public static string LanguageOf(string? asked) => asked is { } a && Languages.Contains(a.Trim().ToLowerInvariant()) ? a.Trim().ToLowerInvariant() : "en";

    public (string Title, string Statement, string Hash) Text(string? language) => texts[LanguageOf(language)];

    /// <summary>Marks the account as having signed the text in <paramref name="language"/> at <paramref name="at"/> (saved and sealed by the caller's update).</summary>
    public void Apply(StaffUser user, string? language, DateTimeOffset at)
    {
        var lang = LanguageOf(language);
        user.TrainingAttestedAt = at;
        user.TrainingAttestationHash = texts[lang].Hash;
        user.TrainingAttestationLanguage = lang;
    }
}

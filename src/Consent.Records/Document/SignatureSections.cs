using Consent.Records.Layout;
using static Consent.Records.Document.RecordText;

namespace Consent.Records.Document;

/// <summary>Certification, attestation, one block per signer, and how to withdraw.</summary>
static class SignatureSections
{
    public static void Add(ConsentRecord record, RecordLabels labels, List<Block> blocks)
    {
        if (!string.IsNullOrWhiteSpace(record.CertificationStatement))
        {
            blocks.Add(new HeadingBlock(labels.Certification, 1));
            blocks.AddRange(MarkdownBlocks.Convert(record.CertificationStatement, Theme.Body));
        }

        if (!string.IsNullOrWhiteSpace(record.ClinicianAttestation))
        {
            blocks.Add(new HeadingBlock(labels.ClinicianAttestation, 1));
            blocks.AddRange(MarkdownBlocks.Convert(record.ClinicianAttestation, Theme.Body));
        }

        if (record.Signatures.Count > 0)
        {
            blocks.Add(new HeadingBlock(labels.Signatures, 1));
            for (var i = 0; i < record.Signatures.Count; i++)
            {
                var signer = record.Signatures[i];
                var role = signer.Role switch
                {
                    SignerRole.Patient => signer.Assent ? labels.RolePatientAssent : labels.RolePatient,
                    SignerRole.Clinician => labels.RoleClinician,
                    SignerRole.Representative => labels.RoleRepresentative,
                    SignerRole.Witness => labels.RoleWitness,
                    SignerRole.Interpreter => labels.RoleInterpreter,
                    _ => throw new ArgumentOutOfRangeException(nameof(record), signer.Role, "unknown signer role"),
                };
                blocks.Add(new SignatureBlock(
                    [.. signer.Strokes.Select(s => (IReadOnlyList<(double, double)>)[.. s.Select(p => (p.X, p.Y))])],
                    signer.Role == SignerRole.Clinician ? labels.ElectronicSignature : labels.TypedSignature,
                    [new Run(signer.PrintedName, Theme.Body.WithBold()), new Run($"\n{role}", Theme.Small)],
                    [
                        (labels.SignedAt, Time(signer.SignedAt, record)),
                        (labels.Meaning, signer.Meaning),
                        (labels.Method, signer.Method),
                        .. signer.Details is { } details ? [(labels.SignerDetails, details)] : Array.Empty<(string, string)>(),
                        .. signer.RegisteredName is { } registered ? [(labels.RegisteredName, registered)] : Array.Empty<(string, string)>(),
                    ])
                {
                    Alt = string.Format(System.Globalization.CultureInfo.InvariantCulture, labels.AltSignature, signer.PrintedName),
                    SpaceAfter = 8,
                    // The signature blocks read as one: they stay on one page together.
                    KeepWithNext = i < record.Signatures.Count - 1,
                });
            }
        }

        if (!string.IsNullOrWhiteSpace(record.HowToWithdraw))
        {
            blocks.Add(new HeadingBlock(labels.HowToWithdraw, 1));
            blocks.AddRange(MarkdownBlocks.Convert(record.HowToWithdraw, Theme.Body));
        }

        blocks.Add(new ParagraphBlock([SmallText(labels.SignatureNote)]) { SpaceBefore = 6 });
    }
}

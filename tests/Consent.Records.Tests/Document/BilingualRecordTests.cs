using Consent.Records.Tests.Infrastructure;
using Consent.Records.Tests.Signing;

namespace Consent.Records.Tests.Document;

/// <summary>
/// A record in the patient's language for a clinic that works in another carries the clinic's wording
/// of every disclosure, screening question and quiz question beside the patient's, marked as the
/// clinic's reference; what the patient read stays what is hashed.
/// </summary>
public sealed class BilingualRecordTests
{
    static readonly Lazy<string> SpanishText = new(() => Text(ConsentRecordPdf.RenderSigned(
        SampleRecords.SpanishForEnglishClinic(), new RecordSigner(Certificates.Ecdsa), SignedSamples.Options)));

    [Fact]
    public void A_Spanish_record_for_an_English_clinic_shows_every_disclosure_in_both_languages_and_hashes_the_Spanish()
    {
        var text = SpanishText.Value;
        var record = SampleRecords.SpanishForEnglishClinic();
        foreach (var d in record.Disclosures)
        {
            Assert.Contains(Normalize(d.Title), text, StringComparison.Ordinal);
            Assert.Contains(Normalize(d.ClinicTitle!), text, StringComparison.Ordinal);
            Assert.Contains(d.ContentSha256, text, StringComparison.Ordinal);
            Assert.Equal(SampleRecords.Sha256(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "templates", "disclosures", "es",
                SampleRecords.DisclosureNames[record.Disclosures.ToList().IndexOf(d)] + ".md"))), d.ContentSha256);
        }

        Assert.All<string>(
            [
                "Puede sentir mucho sueño durante el tratamiento y después.",
                "You may feel very sleepy during and after treatment.",
                "En inglés (el idioma de la clínica), solo como referencia para la clínica. El paciente leyó y confirmó el texto en español de arriba",
                "English (the clinic\u2019s language), for the clinic\u2019s reference only. The patient read and acknowledged the Spanish text above",
            ],
            part => Assert.Contains(part, text, StringComparison.Ordinal));
        Assert.Equal(record.Disclosures.Count, Count(text, "English (the clinic\u2019s language), for the clinic\u2019s reference only."));
        Assert.Contains("Idioma de la clínica inglés (en)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Spanish_record_for_an_English_clinic_shows_screening_and_quiz_wording_in_both_languages()
    {
        var text = SpanishText.Value;
        Assert.All<string>(
            [
                "¿Está embarazada, podría estarlo o está amamantando?",
                "Are you pregnant, might you be pregnant, or are you breastfeeding?",
                "Will someone be able to take you home after each treatment session?",
                "¿Puede conducir a casa después de una sesión?",
                "Can you drive yourself home after a session?",
                "At least two hours",
                "Grey lines: the same wording in English (the clinic\u2019s language)",
                "Líneas en gris: la misma redacción en inglés (el idioma de la clínica)",
            ],
            part => Assert.Contains(part, text, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    public void A_record_in_the_clinics_language_shows_no_second_language(string language)
    {
        var text = Text(SignedSamples.Pdf(language));
        Assert.DoesNotContain("clinic\u2019s language", text, StringComparison.Ordinal);
        Assert.DoesNotContain("idioma de la clínica", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Grey lines", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Líneas en gris", text, StringComparison.Ordinal);
        var other = language == "en" ? "Puede sentir mucho sueño" : "You may feel very sleepy";
        Assert.DoesNotContain(other, text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bilingual_record_is_signed_and_well_formed()
    {
        var pdf = ConsentRecordPdf.RenderSigned(SampleRecords.SpanishForEnglishClinic(), new RecordSigner(Certificates.Ecdsa), SignedSamples.Options);
        var path = ExternalTool.TempFile(pdf);
        Assert.Contains("Signature is Valid.", ExternalTool.Run("pdfsig", path).All, StringComparison.Ordinal);
        Assert.Equal(0, ExternalTool.Run("qpdf", "--check", path).ExitCode);
    }

    static string Text(byte[] pdf) => Normalize(ExternalTool.Run("pdftotext", "-enc", "UTF-8", ExternalTool.TempFile(pdf), "-").Output);

    static string Normalize(string text) => SignedRecordQualityTests.Normalize(text);

    static int Count(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}

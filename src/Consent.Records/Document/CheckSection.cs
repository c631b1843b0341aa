using Consent.Records.Layout;
using QRCoder;

namespace Consent.Records.Document;

/// <summary>
/// The way to check the record: a QR code of the service's public check page and the same address
/// as text, on the first page. Whoever holds a copy can learn whether it is an accurate and complete
/// copy of what the clinic issued (21 CFR 11.10(b)) without asking the clinic for anything else.
/// </summary>
static class CheckSection
{
    public static void Add(string? checkUrl, RecordLabels labels, List<Block> blocks)
    {
        if (string.IsNullOrWhiteSpace(checkUrl))
        {
            return;
        }

        var how = string.Format(System.Globalization.CultureInfo.InvariantCulture, labels.CheckThisRecordHow, checkUrl);
        var alt = string.Format(System.Globalization.CultureInfo.InvariantCulture, labels.AltQrCode, checkUrl);
        blocks.Add(new QrBlock(Modules(checkUrl), [new Run(labels.CheckThisRecord + "\n", Theme.Body.WithBold()), new Run(how, Theme.Body)], alt)
        {
            SpaceAfter = 10,
        });
    }

    /// <summary>QRCoder's module matrix of <paramref name="text"/> (error correction M, quiet zone of four modules included).</summary>
    internal static IReadOnlyList<IReadOnlyList<bool>> Modules(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return [.. data.ModuleMatrix.Select(row => (IReadOnlyList<bool>)[.. row.Cast<bool>()])];
    }
}

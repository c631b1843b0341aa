using QRCoder;

namespace Consent.Web.Ui;

/// <summary>QR codes of patient links, as PNG data URIs (the CSP allows <c>img-src data:</c>; no script, no inline style).</summary>
public sealed class QrCodes
{
    public string PngDataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(8);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}

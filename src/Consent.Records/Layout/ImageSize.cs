using PdfSharp.Drawing;

namespace Consent.Records.Layout;

/// <summary>Reads an image's pixel size; null when the bytes are not an image PDFsharp can place.</summary>
static class ImageSize
{
    public static (double Width, double Height)? Of(byte[] image)
    {
        try
        {
            using var stream = new MemoryStream(image, writable: false);
            using var x = XImage.FromStream(stream);
            return x.PixelWidth > 0 && x.PixelHeight > 0 ? (x.PixelWidth, x.PixelHeight) : null;
        }
#pragma warning disable CA1031 // A broken logo must not stop a consent record from being issued; it is left out.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }
}

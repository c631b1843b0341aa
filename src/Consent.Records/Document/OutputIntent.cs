using PdfSharp.Pdf;

namespace Consent.Records.Document;

/// <summary>
/// The PDF/A output intent (ISO 19005-3 6.2.3, ISO 32000-1 14.11.5): the catalog's /OutputIntents holds one /GTS_PDFA1
/// intent whose destination profile is an embedded sRGB ICC profile (3 components), the colour space the record's DeviceRGB
/// colours are meant in.
/// </summary>
static class OutputIntent
{
    /// <summary>The profile, zlib-compressed once per process (the signer keeps a stream whose zlib trailer is intact).</summary>
    static readonly byte[] Profile = Compress(LoadProfile());

    public static void Add(PdfDocument document)
    {
        var profile = new PdfDictionary(document);
        profile.Elements.SetInteger("/N", 3);
        profile.Elements.SetName("/Filter", "/FlateDecode");
        profile.CreateStream(Profile);
        document.Internals.AddObject(profile);

        var intent = new PdfDictionary(document);
        intent.Elements.SetName("/Type", "/OutputIntent");
        intent.Elements.SetName("/S", "/GTS_PDFA1");
        intent.Elements.SetString("/OutputConditionIdentifier", "sRGB IEC61966-2.1");
        intent.Elements.SetString("/RegistryName", "http://www.color.org");
        intent.Elements.SetString("/Info", "sRGB IEC61966-2.1");
        intent.Elements.SetReference("/DestOutputProfile", profile);
        document.Internals.AddObject(intent);

        var intents = new PdfArray(document);
        intents.Elements.Add(intent.Reference!);
        document.Internals.Catalog.Elements["/OutputIntents"] = intents;
    }

    static byte[] Compress(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    static byte[] LoadProfile()
    {
        using var stream = typeof(OutputIntent).Assembly.GetManifestResourceStream("Consent.Records.ColorProfiles.sRGB.icc")
            ?? throw new InvalidOperationException("The sRGB ICC profile is not embedded in Consent.Records.");
        var profile = new byte[stream.Length];
        stream.ReadExactly(profile);
        return profile;
    }
}

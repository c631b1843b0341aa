using System.Security.Cryptography;
using System.Text;

namespace Consent.Records.Fhir;

/// <summary>Stable urn:uuid ids for the resources of a session's bundle (name-based, RFC 9562 version 5).</summary>
static class FhirIds
{
    public static string Urn(Guid session, string name) => "urn:uuid:" + NameBased(session, name);

    static Guid NameBased(Guid session, string name)
    {
        var input = session.ToByteArray(bigEndian: true).Concat(Encoding.UTF8.GetBytes(name)).ToArray();
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 version-5 UUIDs are defined with; this is naming, not security.
        var hash = SHA1.HashData(input);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}

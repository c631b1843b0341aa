using Consent.Web.Sessions;

namespace Consent.Web.SignedRecords;

/// <summary>
/// The address of the public check page (<c>/check</c>) that every record prints as a QR code and as
/// text: on the service's public address (<see cref="PublicAddress"/>; a record is issued by a
/// background job, with no request whose host could be used). It names nothing of any record, session
/// or patient: every record prints the same address.
/// </summary>
public sealed class CheckPageAddress(PublicAddress address)
{
    /// <summary>The page's path.</summary>
    public const string Path = "/check";

    public string Url => address.Base + Path;
}

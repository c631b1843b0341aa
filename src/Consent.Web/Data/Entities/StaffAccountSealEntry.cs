namespace Consent.Web.Data.Entities;

/// <summary>
/// One seal a staff account was given, in order: the account's history of security changes, kept
/// append-only, so that an earlier sealed state written back into <c>AspNetUsers</c> (a deactivated
/// account restored as it was before) is recognised as not the latest.
/// </summary>
public sealed class StaffAccountSealEntry
{
    public long Id { get; set; }

    public Guid UserId { get; set; }

    /// <summary>1 for the account's first seal, then one more for each; unique per account.</summary>
    public long Seq { get; set; }

    /// <summary>The account seal given at this step (<see cref="StaffUser.AccountSeal"/>).</summary>
    public string Seal { get; set; } = "";

    public DateTimeOffset SealedAt { get; set; }

    /// <summary>HMAC over the account id, <see cref="Seq"/> and <see cref="Seal"/>, so an entry cannot be made or renumbered outside the service.</summary>
    public string EntrySeal { get; set; } = "";
}

namespace Consent.Web.Sessions;

/// <summary>An Idempotency-Key and the SHA-256 of the request it came with.</summary>
public sealed record Idempotency(string Key, string RequestHash);

using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Consent.Web.Sessions;

namespace Consent.Web.Ui;

/// <summary>
/// Idempotency for page forms: each form carries a fresh key in a hidden field, so a double tap or
/// a resent form records once, exactly like an API call with an Idempotency-Key header.
/// </summary>
public static class PageIdempotency
{
    public const string FieldName = "IdempotencyKey";

    public static string NewKey() => Guid.NewGuid().ToString("N");

    /// <summary>The key from the form with the hash of what was sent, or null when the form had no usable key.</summary>
    public static Idempotency? For(HttpContext http, string? key, JsonObject body)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > 100)
        {
            return null;
        }

        var request = "PAGE " + http.Request.Method + " " + http.Request.Path + "\n" + ChainJson.Serialize(body);
        return new Idempotency(key, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request))));
    }
}

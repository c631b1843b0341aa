using System.Text;
using System.Text.Json.Nodes;

namespace Consent.Web.Tests.Security;

/// <summary>One request the generator built, and what was done to it.</summary>
public sealed record MalformedRequest(string Method, string Path, string Auth, byte[]? Body, string? ContentType, string Mutation);

/// <summary>
/// Builds malformed requests from seeded randomness: each starts from a plausible body for its
/// endpoint and breaks it one way (wrong type, huge or NUL-laden string, invalid UTF-8, deep
/// nesting, wrong content type, missing or repeated field, truncation). Every mutation is chosen
/// so the request stays invalid: nothing it does may be recorded. A repeated member whose last copy
/// is valid (in the same or another letter case) counts as invalid too: a reader that takes the last
/// copy would record it.
/// </summary>
public sealed class MalformedRequests(int seed, string token, Guid sessionId)
{
    private readonly Random random = new(seed);

    /// <summary>Each endpoint with a plausible invalid body, its fields, and values that would be valid on their own.</summary>
    private (string Method, string Path, string Auth, JsonObject Body, string[] Fields, JsonObject Valid)[] Endpoints =>
    [
        ("POST", "/api/v1/auth/login", "none", new JsonObject { ["email"] = "nobody@example.org", ["password"] = "" }, ["email", "password"], []),
        ("POST", $"/api/v1/patient/{token}/verify", "none", new JsonObject { ["dateOfBirth"] = "not-a-date" }, ["dateOfBirth"],
            new JsonObject { ["dateOfBirth"] = Infrastructure.PatientDriver.DateOfBirth }),
        ("POST", $"/api/v1/patient/{token}/steps/dissociation", "patient", new JsonObject { ["acknowledged"] = true, ["contentHash"] = new string('f', 64) }, ["acknowledged", "contentHash", "initials"], []),
        ("POST", $"/api/v1/patient/{token}/steps/screening", "patient", new JsonObject { ["answers"] = new JsonObject { ["pregnant"] = "maybe" } }, ["answers"], []),
        ("POST", $"/api/v1/patient/{token}/steps/sign", "patient", new JsonObject { ["fullName"] = "", ["certify"] = false }, ["fullName", "certify", "strokes"], []),
        ("POST", $"/api/v1/patient/{token}/decline", "patient", new JsonObject { ["reason"] = 42 }, ["reason"], new JsonObject { ["reason"] = "I changed my mind" }),
        ("POST", $"/api/v1/patient/{token}/questions", "patient", new JsonObject { ["question"] = "" }, ["question"], new JsonObject { ["question"] = "Can I drive home?" }),
        ("POST", "/api/v1/sessions", "clinician", new JsonObject
        {
            ["workflowId"] = "ketamine-iv-depression", ["language"] = "en",
            ["patient"] = new JsonObject { ["name"] = "", ["dateOfBirth"] = "1975-13-45" },
        }, ["workflowId", "language", "patient"], new JsonObject { ["patient"] = new JsonObject { ["name"] = "Jane Doe", ["dateOfBirth"] = "1975-06-30" } }),
        ("POST", $"/api/v1/sessions/{sessionId}/countersign", "clinician", new JsonObject { ["password"] = "", ["statementAccepted"] = "yes" }, ["password", "statementAccepted"], []),
        ("POST", $"/api/v1/sessions/{sessionId}/questions/q999/answer", "clinician", new JsonObject { ["answer"] = "" }, ["answer"], new JsonObject { ["answer"] = "Yes." }),
        ("POST", $"/api/v1/sessions/{sessionId}/discussions", "clinician", new JsonObject { ["note"] = "" }, ["note"], new JsonObject { ["note"] = "Discussed." }),
        ("POST", $"/api/v1/sessions/{sessionId}/void", "clinician", new JsonObject { ["reason"] = "" }, ["reason"], new JsonObject { ["reason"] = "Wrong patient" }),
        ("POST", $"/api/v1/sessions/{sessionId}/withdraw", "clinician", new JsonObject { ["reason"] = "" }, ["reason"], new JsonObject { ["reason"] = "Asked to stop" }),
        ("POST", "/api/v1/admin/users", "admin", new JsonObject { ["email"] = "bad", ["displayName"] = "", ["password"] = "x", ["roles"] = new JsonArray("Wizard") }, ["email", "displayName", "password", "roles"], []),
        ("PUT", $"/api/v1/admin/users/{Guid.NewGuid()}/roles", "admin", new JsonObject { ["roles"] = new JsonArray("Wizard") }, ["roles"], new JsonObject { ["roles"] = new JsonArray("Clinician") }),
        ("POST", "/api/v1/workflows/ketamine-iv-depression/versions/1/retire", "reviewer", new JsonObject { ["comment"] = "" }, ["comment"], new JsonObject { ["comment"] = "Outdated" }),
    ];

    public MalformedRequest Next()
    {
        var endpoints = Endpoints;
        var (method, path, auth, body, fields, valid) = endpoints[random.Next(endpoints.Length)];
        var field = fields[random.Next(fields.Length)];
        switch (random.Next(13))
        {
            case 0:
                body[field] = WrongType();
                return Json(method, path, auth, body, $"wrong type for {field}");
            case 1:
                body[field] = new string('x', random.Next(5_000, 120_000));
                return Json(method, path, auth, body, $"huge string in {field}");
            case 2:
                body[field] = "a\u0000b" + new string('\u0000', random.Next(1, 5));
                return Json(method, path, auth, body, $"NUL bytes in {field}");
            case 3:
                var bytes = Encoding.UTF8.GetBytes(body.ToJsonString()).ToList();
                var at = bytes.IndexOf((byte)':') + 2;
                bytes.InsertRange(Math.Clamp(at, 0, bytes.Count), [0xC3, 0x28, 0xFF, 0xFE]);
                return new(method, path, auth, [.. bytes], "application/json", "invalid UTF-8");
            case 4:
                var depth = random.Next(40, 3_000);
                var nested = new StringBuilder();
                nested.Append(new string('[', depth)).Append('1').Append(new string(']', depth));
                return new(method, path, auth, Encoding.UTF8.GetBytes($"{{\"{field}\":{nested}}}"), "application/json", $"nesting {depth} deep");
            case 5:
                var types = new[]
                {
                    "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", null,
                    "application/jsonp", "application/json-seq", "text/json", "application/json; charset=iso-8859-1",
                };
                var type = types[random.Next(types.Length)];
                return new(method, path, auth, Encoding.UTF8.GetBytes(body.ToJsonString()), type, $"content type {type ?? "(none)"}");
            case 6:
                body.Remove(field);
                Invalidate(body, fields.Where(f => f != field).ToArray());
                if (body.Count == 0)
                {
                    // A body with nothing left may be valid (a decline needs no reason): keep it broken.
                    body[field] = new JsonArray(random.Next());
                }

                return Json(method, path, auth, body, $"missing {field}");
            case 7:
                var text = body.ToJsonString();
                var repeated = text.TrimEnd('}') + (text.Length > 2 ? "," : "") + $"\"{field}\":{WrongType()?.ToJsonString() ?? "null"}}}";
                return new(method, path, auth, Encoding.UTF8.GetBytes(repeated), "application/json", $"repeated {field}");
            case 8:
                var full = body.ToJsonString();
                return new(method, path, auth, Encoding.UTF8.GetBytes(full[..random.Next(1, Math.Max(2, full.Length - 1))]), "application/json", "truncated JSON");
            case 9:
                return new(method, path, auth, Encoding.UTF8.GetBytes(random.Next(3) switch { 0 => "", 1 => "[]", _ => "null" }), "application/json", "empty, array or null body");
            case 10:
                body[field] = "\ud800 lone surrogate \udfff " + new string('é', random.Next(1, 50));
                Invalidate(body, fields);
                return Json(method, path, auth, body, $"lone surrogates in {field}");
            case 12 when valid.Count > 0:
                var (name, value) = valid.ElementAt(random.Next(valid.Count));
                var again = random.Next(2) == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];
                var first = body.ToJsonString();
                var twice = first[..^1] + "," + $"\"{again}\":{value!.ToJsonString()}}}";
                return new(method, path, auth, Encoding.UTF8.GetBytes(twice), "application/json", $"repeated {name} as {again}, the last copy valid");
            default:
                var bad = new[] { "%01%7F", "..%2F..%2Fetc%2Fpasswd", new string('z', 3_000), "%C3%28", "%FF%FE" }[random.Next(5)];
                return new(method, path.Replace(token, bad, StringComparison.Ordinal).Replace("dissociation", bad, StringComparison.Ordinal), auth,
                    Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json", $"bad path segment {bad}");
        }
    }

    private static MalformedRequest Json(string method, string path, string auth, JsonObject body, string mutation) =>
        new(method, path, auth, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json", mutation);

    private JsonNode? WrongType() => random.Next(5) switch
    {
        0 => JsonValue.Create(random.Next()),
        1 => new JsonArray(1, "two", false),
        2 => new JsonObject { ["nested"] = new JsonObject { ["deeper"] = 1 } },
        _ => JsonValue.Create(random.NextDouble() * 1e300),
    };

    /// <summary>Keeps a body invalid after a field was removed: every remaining field gets a wrong type.</summary>
    private void Invalidate(JsonObject body, string[] fields)
    {
        foreach (var f in fields)
        {
            if (body.ContainsKey(f))
            {
                body[f] = WrongType() ?? JsonValue.Create(random.Next());
            }
        }
    }
}

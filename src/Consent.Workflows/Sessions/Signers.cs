using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary>Who signs in a consent ceremony, each in their own capacity.</summary>
public enum SignerKind
{
    /// <summary>The patient: their consent, or their assent when a representative consents for them.</summary>
    Patient,

    /// <summary>A legally authorized representative, who consents on the patient's behalf (21 CFR 50.27(a)).</summary>
    Representative,

    /// <summary>An impartial witness to the whole discussion, for a patient who cannot read (21 CFR 50.27(b)(1)-(2)).</summary>
    Witness,

    /// <summary>An interpreter who interpreted the whole session.</summary>
    Interpreter,
}

/// <summary>The names of <see cref="SignerKind"/> in the API, the event log and the record.</summary>
public static class SignerNames
{
    public const string Patient = "patient";
    public const string Representative = "representative";
    public const string Witness = "witness";
    public const string Interpreter = "interpreter";

    public static string Of(SignerKind role) => role switch
    {
        SignerKind.Patient => Patient,
        SignerKind.Representative => Representative,
        SignerKind.Witness => Witness,
        SignerKind.Interpreter => Interpreter,
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static SignerKind? Parse(string? name) => name switch
    {
        Patient => SignerKind.Patient,
        Representative => SignerKind.Representative,
        Witness => SignerKind.Witness,
        Interpreter => SignerKind.Interpreter,
        _ => null,
    };
}

/// <summary>How an interpreter took part.</summary>
public static class InterpretingModes
{
    public const string InPerson = "in-person";
    public const string Phone = "phone";
    public const string Video = "video";

    public static ImmutableArray<string> All { get; } = [InPerson, Phone, Video];
}

/// <summary>
/// A legally authorized representative: their name, relationship to the patient, the basis of their authority (a health-care
/// power of attorney, a court-appointed guardianship, or surrogacy under state law, as the clinician writes it), their own
/// email when they sign on their own device, and how the clinician checked who they are.
/// </summary>
public sealed record Representative(string Name, string Relationship, string Authority, string? Email = null, string? IdentityCheck = null);

/// <summary>An impartial witness, who stated when the session started that they are impartial.</summary>
public sealed record Witness(string Name);

/// <summary>An interpreter: name, the language interpreted to and from the session's, their qualification or ID, and <see cref="InterpretingModes"/>.</summary>
public sealed record Interpreter(string Name, string Language, string Qualification, string Mode);

/// <summary>
/// Who signs a consent besides, or instead of, the patient, chosen by the clinician at the start and sealed into
/// <see cref="EventTypes.SessionCreated"/>. With a representative the patient does not sign the consent; they may assent
/// (<see cref="Assent"/>). A witness and an interpreter sign after the patient (or the representative), in that order.
/// </summary>
public sealed record Signers(Representative? Representative = null, Witness? Witness = null, Interpreter? Interpreter = null, bool Assent = false)
{
    /// <summary>Today's ceremony: the patient signs alone.</summary>
    public static Signers PatientAlone { get; } = new();

    public bool IsPatientAlone => Representative is null && Witness is null && Interpreter is null;

    /// <summary>Who signs, in order: the representative (then the patient's assent, when asked for), or the patient; then the witness and the interpreter.</summary>
    public ImmutableArray<SignerKind> Order
    {
        get
        {
            var order = ImmutableArray.CreateBuilder<SignerKind>();
            if (Representative is not null)
            {
                order.Add(SignerKind.Representative);
                if (Assent)
                {
                    order.Add(SignerKind.Patient);
                }
            }
            else
            {
                order.Add(SignerKind.Patient);
            }
            if (Witness is not null)
            {
                order.Add(SignerKind.Witness);
            }
            if (Interpreter is not null)
            {
                order.Add(SignerKind.Interpreter);
            }
            return order.ToImmutable();
        }
    }

    /// <summary>The name the clinician gave for a signer other than the patient; null for the patient.</summary>
    public string? NameOf(SignerKind role) => role switch
    {
        SignerKind.Representative => Representative?.Name,
        SignerKind.Witness => Witness?.Name,
        SignerKind.Interpreter => Interpreter?.Name,
        _ => null,
    };

    /// <summary>The sealed form; null for a patient signing alone, so such a session's first event is as before.</summary>
    public JsonObject? ToJson()
    {
        if (IsPatientAlone)
        {
            return null;
        }

        var json = new JsonObject();
        if (Representative is { } r)
        {
            var representative = new JsonObject { ["name"] = r.Name, ["relationship"] = r.Relationship, ["authority"] = r.Authority };
            if (r.Email is not null)
            {
                representative["email"] = r.Email;
            }
            if (r.IdentityCheck is not null)
            {
                representative["identityCheck"] = r.IdentityCheck;
            }
            json[SignerNames.Representative] = representative;
            if (Assent)
            {
                json["assent"] = true;
            }
        }
        if (Witness is { } w)
        {
            json[SignerNames.Witness] = new JsonObject { ["name"] = w.Name, ["impartial"] = true };
        }
        if (Interpreter is { } i)
        {
            json[SignerNames.Interpreter] = new JsonObject { ["name"] = i.Name, ["language"] = i.Language, ["qualification"] = i.Qualification, ["mode"] = i.Mode };
        }
        return json;
    }

    /// <summary>The signers as sealed; <see cref="PatientAlone"/> when absent.</summary>
    public static Signers From(JsonObject? p)
    {
        if (p is null)
        {
            return PatientAlone;
        }

        var r = p[SignerNames.Representative] as JsonObject;
        var w = p[SignerNames.Witness] as JsonObject;
        var i = p[SignerNames.Interpreter] as JsonObject;
        return new Signers(
            r is null ? null : new Representative(Payload.Text(r, "name") ?? "", Payload.Text(r, "relationship") ?? "", Payload.Text(r, "authority") ?? "",
                Payload.Text(r, "email"), Payload.Text(r, "identityCheck")),
            w is null ? null : new Witness(Payload.Text(w, "name") ?? ""),
            i is null ? null : new Interpreter(Payload.Text(i, "name") ?? "", Payload.Text(i, "language") ?? "", Payload.Text(i, "qualification") ?? "",
                Payload.Text(i, "mode") ?? ""),
            r is not null && p["assent"] is JsonValue a && a.GetValueKind() == System.Text.Json.JsonValueKind.True);
    }
}

/// <summary>
/// One signature in the ceremony: who (<paramref name="Signer"/>) signed under which name, how (drawn, typed, or a
/// <paramref name="Mark"/> drawn by a patient who cannot write, before a witness), when, and over which text.
/// </summary>
/// <param name="NameMatches">False when the typed name is not the one registered (the patient's) or given at the start (the others'); the clinician confirms who signed.</param>
public sealed record SignerSignature(SignerKind Signer, string StepId, string FullName, ImmutableArray<ImmutableArray<(double X, double Y)>> Strokes, string? ContentHash,
    DateTimeOffset At, bool NameMatches = true, bool Mark = false)
{
    /// <summary><c>mark</c>, <c>drawn</c> or <c>typed</c>.</summary>
    public string Method => Mark ? "mark" : Strokes.Length > 0 ? "drawn" : "typed";
}

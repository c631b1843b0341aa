using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Consent.Workflows;

namespace Consent.Web.Sessions;

/// <summary>
/// Reads a patient's step submission (POST /api/v1/patient/{token}/steps/{stepId}) into an interpreter
/// command, by the type of the step it names. Anything malformed is an error message, never an exception.
/// </summary>
public static class StepSubmissions
{
    private const int MaxStrokes = 200;
    private const int MaxPoints = 20_000;

    public static (SessionCommand? Command, string? Error) Read(StepDefinition step, JsonObject body, string registeredName) => step switch
    {
        QuestionsStep => Answers(step.Id, body),
        DisclosureStep => Acknowledgment(step.Id, body),
        ComprehensionStep => Quiz(step.Id, body),
        AskStep => Ask(step.Id, body),
        SignatureStep => Signature(step.Id, body, registeredName),
        StopStep => Stop(step.Id, body),
        AffirmationStep => Affirmation(step.Id, body),
        IdentityStep => (null, "Verify the date of birth with POST /api/v1/patient/{token}/verify."),
        _ => (null, "This step is not answered by the patient."),
    };

    /// <summary>A check-in's affirmation: <c>{"agrees": true}</c> (I still agree to this treatment today) or <c>false</c>.</summary>
    private static (SessionCommand?, string?) Affirmation(string stepId, JsonObject body) =>
        body["agrees"] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? (new Affirm(stepId, v.GetValue<bool>()), null)
            : (null, "Send {\"agrees\": true} if you still agree to this treatment today, or {\"agrees\": false} if you do not.");

    /// <summary>A stop step waiting for the patient: confirm the answers shown (the session ends) or go back to change them.</summary>
    private static (SessionCommand?, string?) Stop(string stepId, JsonObject body) =>
        (IsTrue(body["confirm"]), IsTrue(body["change"])) switch
        {
            (true, false) => (new ConfirmStop(stepId), null),
            (false, true) => (new ChangeAnswers(stepId), null),
            _ => (null, "Send {\"confirm\": true} to confirm the answers shown, or {\"change\": true} to go back and change them."),
        };

    private static (SessionCommand?, string?) Answers(string stepId, JsonObject body)
    {
        if (body["answers"] is not JsonObject answers)
        {
            return (null, "\"answers\" must be an object of question id to answer.");
        }

        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (id, value) in answers)
        {
            switch (value)
            {
                case null:
                    result[id] = null;
                    break;
                case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                    result[id] = JsonValue.Create(v.GetValue<bool>());
                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    var (text, error) = TextInput.Clean(v.GetValue<string>(), $"answers.{id}", 500, required: false);
                    if (error is not null)
                    {
                        return (null, error);
                    }

                    result[id] = text is null ? null : JsonValue.Create(text);
                    break;
                default:
                    return (null, $"answers.{id} must be true, false or a string.");
            }
        }

        return (new SubmitAnswers(stepId, result), null);
    }

    private static (SessionCommand?, string?) Acknowledgment(string stepId, JsonObject body)
    {
        if (!IsTrue(body["acknowledged"]))
        {
            return (null, "\"acknowledged\" must be true to acknowledge this disclosure. To stop, decline instead.");
        }

        if (Text(body["contentHash"]) is not { Length: 64 } hash)
        {
            return (null, "\"contentHash\" must be the contentHash of the text shown.");
        }

        string? initials = null;
        if (body["initials"] is not null)
        {
            if (Text(body["initials"]) is not { } raw)
            {
                return (null, "\"initials\" must be a string.");
            }

            var (clean, error) = TextInput.Clean(raw, "initials", 10, required: false);
            if (error is not null)
            {
                return (null, error);
            }

            initials = clean;
        }

        return (new AcknowledgeDisclosure(stepId, hash, initials), null);
    }

    private static (SessionCommand?, string?) Quiz(string stepId, JsonObject body)
    {
        if (body["answers"] is not JsonObject answers)
        {
            return (null, "\"answers\" must be an object of question id to the chosen option value.");
        }

        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (id, value) in answers)
        {
            if (value is not null && Text(value) is null)
            {
                return (null, $"answers.{id} must be a string (the option's value).");
            }

            var text = Text(value);
            if (text is { Length: > 200 })
            {
                return (null, $"answers.{id} is too long.");
            }

            result[id] = text;
        }

        return (new SubmitQuiz(stepId, result), null);
    }

    private static (SessionCommand?, string?) Ask(string stepId, JsonObject body)
    {
        if (IsTrue(body["done"]))
        {
            return (new FinishAsking(stepId), null);
        }

        var (question, error) = TextInput.Clean(Text(body["question"]), "question", 2000, multiline: true);
        return error is not null
            ? (null, body["question"] is null ? "Send {\"question\": \"...\"} to ask, or {\"done\": true} to move on." : error)
            : (new AskQuestion(stepId, question!), null);
    }

    private static (SessionCommand?, string?) Signature(string stepId, JsonObject body, string registeredName)
    {
        // "mark": true is a patient's mark before a witness: drawn, and the typed name may be left out (the registered one stands).
        if (body["mark"] is { } rawMark && rawMark.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return (null, "\"mark\" must be true or false.");
        }

        var mark = IsTrue(body["mark"]);
        SignerKind? signer = null;
        if (body["signer"] is { } rawSigner)
        {
            if (SignerNames.Parse(rawSigner.GetValueKind() == JsonValueKind.String ? rawSigner.GetValue<string>() : null) is not { } parsed)
            {
                return (null, "\"signer\" must be patient, representative, witness or interpreter.");
            }

            signer = parsed;
        }

        var (name, error) = TextInput.Clean(Text(body["fullName"]), "fullName", 200, required: !mark);
        if (error is not null)
        {
            return (null, error);
        }

        if (!IsTrue(body["certify"]))
        {
            return (null, "\"certify\" must be true: read the statement and tick the box to sign.");
        }

        var strokes = new List<IReadOnlyList<(double X, double Y)>>();
        if (body["strokes"] is JsonArray rawStrokes)
        {
            var points = 0;
            if (rawStrokes.Count > MaxStrokes)
            {
                return (null, $"A signature may have at most {MaxStrokes} strokes.");
            }

            foreach (var rawStroke in rawStrokes)
            {
                if (rawStroke is not JsonArray stroke)
                {
                    return (null, "Each stroke must be a list of [x, y] points.");
                }

                var line = new List<(double, double)>();
                foreach (var rawPoint in stroke)
                {
                    if (rawPoint is not JsonArray { Count: 2 } p || Number(p[0]) is not { } x || Number(p[1]) is not { } y
                        || x is < 0 or > 10_000 || y is < 0 or > 10_000)
                    {
                        return (null, "Each point must be [x, y] with numbers from 0 to 10000.");
                    }

                    if (++points > MaxPoints)
                    {
                        return (null, $"A signature may have at most {MaxPoints} points.");
                    }

                    line.Add((Math.Round(x, 1), Math.Round(y, 1)));
                }

                strokes.Add(line);
            }
        }
        else if (body["strokes"] is not null)
        {
            return (null, "\"strokes\" must be a list of strokes (it may be empty).");
        }

        return (new SignAsPatient(stepId, name ?? "", true, strokes, registeredName, signer, mark), null);
    }

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && double.IsFinite(d) ? d : null;
}

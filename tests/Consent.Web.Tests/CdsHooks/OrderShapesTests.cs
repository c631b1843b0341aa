using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.CdsHooks;

/// <summary>
/// The shapes an EHR may send, found by an outside attack on a running instance: each must be checked, never let
/// through. The patient (MRN-0042) has a valid ketamine consent and no check-in today, so a recognised order gets a
/// warning; one not recognised would get no card, which the EHR reads as "go ahead".
/// </summary>
public sealed class OrderShapesTests(CdsFactory factory) : IClassFixture<CdsFactory>
{
    [Fact]
    public async Task AMedicationReference_ToAContainedOrBundledMedication_IsChecked()
    {
        await factory.SignedAsync();

        var contained = Order(CdsFactory.Patient());
        var request = Request(contained);
        request.Remove("medicationCodeableConcept");
        request["medicationReference"] = new JsonObject { ["reference"] = "#med1" };
        request["contained"] = new JsonArray(Medication("med1", CdsHooksRxNorm, "6130"));

        var bundled = Order(CdsFactory.Patient());
        var second = Request(bundled);
        second.Remove("medicationCodeableConcept");
        second["medicationReference"] = new JsonObject { ["reference"] = "Medication/m-7" };
        ((JsonArray)bundled["context"]!["draftOrders"]!["entry"]!).Add(new JsonObject { ["resource"] = Medication("m-7", CdsHooksRxNorm, "6130") });

        Assert.Equal("warning", await IndicatorAsync(contained));
        Assert.Equal("warning", await IndicatorAsync(bundled));
    }

    /// <summary>
    /// FHIR R4 Bundle, "Resolving references in Bundles" (https://hl7.org/fhir/R4/bundle.html#references): a reference
    /// names a Medication by its entry's fullUrl (absolute, urn:uuid included), by type and id (relative to the order's
    /// RESTful fullUrl when it has one), with or without a version. Each is resolved: the ketamine Medication gets the
    /// patient's warning (and no "cannot be identified" note), another drug no card, so the reference was followed, not
    /// merely refused.
    /// </summary>
    [Theory]
    [InlineData("urn-uuid", "6130", "warning")]
    [InlineData("urn-uuid", "617993", null)]
    [InlineData("absolute", "6130", "warning")]
    [InlineData("absolute", "617993", null)]
    [InlineData("versioned", "6130", "warning")]
    [InlineData("versioned", "617993", null)]
    [InlineData("no-id", "6130", "warning")]
    [InlineData("no-id", "617993", null)]
    [InlineData("relative-to-restful-order", "6130", "warning")]
    [InlineData("relative-to-restful-order", "617993", null)]
    public async Task AMedicationReference_IsResolvedInTheBundle_AsFhirR4Says(string shape, string rxcui, string? indicator)
    {
        await factory.SignedAsync();
        const string uuid = "urn:uuid:5b1c7f0e-2c4d-4b8e-9a51-3f2f6a0d9e11";
        const string url = "https://ehr.example.org/fhir/Medication/m1";
        var order = Order(CdsFactory.Patient());
        var request = Request(order);
        request.Remove("medicationCodeableConcept");
        var medication = Medication("m1", CdsHooksRxNorm, rxcui);
        var entry = new JsonObject();
        switch (shape)
        {
            case "urn-uuid":
                entry["fullUrl"] = uuid;
                request["medicationReference"] = new JsonObject { ["reference"] = uuid };
                break;
            case "absolute":
                entry["fullUrl"] = url;
                request["medicationReference"] = new JsonObject { ["reference"] = url };
                break;
            case "versioned":
                medication["meta"] = new JsonObject { ["versionId"] = "2" };
                request["medicationReference"] = new JsonObject { ["reference"] = "Medication/m1/_history/2" };
                break;
            case "no-id":
                medication.Remove("id");
                entry["fullUrl"] = uuid;
                request["medicationReference"] = new JsonObject { ["reference"] = uuid };
                break;
            default:
                medication.Remove("id");
                entry["fullUrl"] = url;
                ((JsonObject)Entries(order)[0]!)["fullUrl"] = "https://ehr.example.org/fhir/MedicationRequest/smart-MedicationRequest-103";
                request["medicationReference"] = new JsonObject { ["reference"] = "Medication/m1" };
                break;
        }

        entry["resource"] = medication;
        Entries(order).Add(entry);

        var cards = await CdsFactory.CardsAsync(await factory.CallAsync(order));

        Assert.Equal(indicator, cards.Count == 0 ? null : Assert.Single(cards)!["indicator"]!.GetValue<string>());
        Assert.DoesNotContain("cannot be identified", cards.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>A Medication coded only by its ingredient (R4 <c>ingredient.itemCodeableConcept</c>, R5 <c>ingredient.item.concept</c>).</summary>
    [Theory]
    [InlineData("itemCodeableConcept")]
    [InlineData("item.concept")]
    public async Task AMedication_CodedOnlyByItsIngredient_IsChecked(string element)
    {
        await factory.SignedAsync();
        var order = Order(CdsFactory.Patient());
        var request = Request(order);
        request.Remove("medicationCodeableConcept");
        request["medicationReference"] = new JsonObject { ["reference"] = "#med1" };
        var ingredient = Concept(CdsHooksRxNorm, "6130");
        request["contained"] = new JsonArray(new JsonObject
        {
            ["resourceType"] = "Medication",
            ["id"] = "med1",
            ["code"] = new JsonObject { ["text"] = "ketamine hydrochloride 50 mg/mL, compounded" },
            ["ingredient"] = new JsonArray(new JsonObject
            {
                [element == "item.concept" ? "item" : element] = element == "item.concept" ? new JsonObject { ["concept"] = ingredient } : ingredient,
                ["isActive"] = true,
            }),
        });

        Assert.Equal("warning", await IndicatorAsync(order));
    }

    /// <summary>RxNorm named by its OID (HL7 terminology lists urn:oid:2.16.840.1.113883.6.88) or over https, and a code sent as a JSON number.</summary>
    [Theory]
    [InlineData("urn:oid:2.16.840.1.113883.6.88", false)]
    [InlineData("https://www.nlm.nih.gov/research/umls/rxnorm", false)]
    [InlineData(CdsHooksRxNorm, true)]
    public async Task AnRxNormOid_HttpsSystem_OrNumericCode_IsChecked(string system, bool numericCode)
    {
        await factory.SignedAsync();
        var order = Order(CdsFactory.Patient());
        var coding = (JsonObject)Request(order)["medicationCodeableConcept"]!["coding"]![0]!;
        coding["system"] = system;
        if (numericCode)
        {
            coding["code"] = 6130;
        }

        Assert.Equal("warning", await IndicatorAsync(order));
    }

    /// <summary>
    /// A medicationReference that names nothing in the request (an identifier or display only, or a reference to no
    /// entry): the drug cannot be known, so the order is judged as one of each drug the gate covers, and the card says why.
    /// MRN-0042 has a ketamine consent (no check-in today: a warning) and no esketamine consent (critical).
    /// </summary>
    [Theory]
    [InlineData("identifier")]
    [InlineData("display")]
    [InlineData("Medication/not-in-the-bundle")]
    [InlineData("urn:uuid:0f0f0f0f-0000-4000-8000-000000000000")]
    [InlineData("https://ehr.example.org/fhir/Medication/m1")]
    public async Task AMedicationReference_ThatCannotBeResolved_FailsClosed(string reference)
    {
        await factory.SignedAsync();
        var order = Order(CdsFactory.Patient());
        var request = Request(order);
        request.Remove("medicationCodeableConcept");
        request["medicationReference"] = reference switch
        {
            "identifier" => new JsonObject { ["identifier"] = new JsonObject { ["system"] = "urn:oid:2.16.840.1.113883.6.69", ["value"] = "42023-113-10" } },
            "display" => new JsonObject { ["display"] = "ketamine 50 mg/mL injection" },
            _ => new JsonObject { ["reference"] = reference },
        };
        // A Medication with the id but another fullUrl is not what the absolute reference names.
        Entries(order).Add(new JsonObject { ["fullUrl"] = "urn:uuid:6a7b8c9d-0000-4000-8000-000000000001", ["resource"] = Medication("m1", CdsHooksRxNorm, "617993") });

        var cards = await CdsFactory.CardsAsync(await factory.CallAsync(order));

        Assert.Equal(["critical", "warning"], cards.Select(c => c!["indicator"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(cards, c => Assert.Contains("cannot be identified", c!["detail"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    /// <summary>An EHR on FHIR R5 sends MedicationRequest.medication as a CodeableReference (<c>concept</c> or <c>reference</c>).</summary>
    [Theory]
    [InlineData("concept")]
    [InlineData("reference")]
    public async Task AnR5Medication_CodeableReference_IsChecked(string element)
    {
        await factory.SignedAsync();
        var order = Order(CdsFactory.Patient());
        var request = Request(order);
        request.Remove("medicationCodeableConcept");
        if (element == "concept")
        {
            request["medication"] = new JsonObject { ["concept"] = Concept(CdsHooksRxNorm, "6130") };
        }
        else
        {
            request["medication"] = new JsonObject { ["reference"] = new JsonObject { ["reference"] = "#med1" } };
            request["contained"] = new JsonArray(Medication("med1", CdsHooksRxNorm, "6130"));
        }

        var cards = await CdsFactory.CardsAsync(await factory.CallAsync(order));

        Assert.Equal("warning", Assert.Single(cards)!["indicator"]!.GetValue<string>());
        Assert.DoesNotContain("cannot be identified", cards.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// order-select's <c>context.selections</c> may name an order by its entry's fullUrl or an absolute URL, not only
    /// <c>MedicationRequest/id</c>; a selection that names no entry checks every order (fail closed). The Bundle holds the
    /// ketamine order and an amoxicillin one; selecting only the amoxicillin gets no card.
    /// </summary>
    [Theory]
    [InlineData("urn:uuid:9d0e1f2a-0000-4000-8000-0000000000aa", "urn:uuid:9d0e1f2a-0000-4000-8000-0000000000aa", "warning")]
    [InlineData("https://ehr.example.org/fhir/MedicationRequest/smart-MedicationRequest-103", "https://ehr.example.org/fhir/MedicationRequest/smart-MedicationRequest-103", "warning")]
    [InlineData(null, "https://ehr.example.org/fhir/MedicationRequest/smart-MedicationRequest-103", "warning")]
    [InlineData(null, "MedicationRequest/smart-MedicationRequest-103/_history/1", "warning")]
    [InlineData(null, "MedicationRequest/not-in-the-bundle", "warning")]
    [InlineData("urn:uuid:9d0e1f2a-0000-4000-8000-0000000000aa", "urn:uuid:9d0e1f2a-0000-4000-8000-0000000000bb", null)]
    public async Task OrderSelect_SelectionsByFullUrlOrAbsoluteUrl_AreResolved(string? fullUrl, string selection, string? indicator)
    {
        await factory.SignedAsync();
        var order = Order(CdsFactory.Patient());
        order["hook"] = "order-select";
        if (fullUrl is not null)
        {
            ((JsonObject)Entries(order)[0]!)["fullUrl"] = fullUrl;
        }

        var other = (JsonObject)Request(CdsFactory.OrderSign("617993", "amoxicillin", null)).DeepClone();
        other["id"] = "amoxicillin-1";
        Entries(order).Add(new JsonObject { ["fullUrl"] = "urn:uuid:9d0e1f2a-0000-4000-8000-0000000000bb", ["resource"] = other });
        order["context"]!["selections"] = new JsonArray(selection);

        Assert.Equal(indicator, await IndicatorAsync(order));
    }

    /// <summary>Ketamine is usually ordered as an injectable clinical drug, not by its ingredient: those codes are checked by default.</summary>
    [Theory]
    [InlineData("238083")]
    [InlineData("206967")]
    public async Task AKetamineInjectionOrder_CodedAsAClinicalDrug_IsChecked(string rxcui)
    {
        await factory.SignedAsync();

        Assert.Equal("warning", await IndicatorAsync(CdsFactory.OrderSign(rxcui, "ketamine injectable solution", CdsFactory.Patient())));
    }

    [Theory]
    [InlineData(CdsHooksRxNorm + "/", "6130")]
    [InlineData("HTTP://WWW.NLM.NIH.GOV/research/umls/rxnorm", " 6130 ")]
    public async Task AnRxNormSystemOrCode_WrittenSlightlyOtherwise_IsChecked(string system, string code)
    {
        await factory.SignedAsync();
        var order = Order(CdsFactory.Patient());
        var coding = (JsonObject)Request(order)["medicationCodeableConcept"]!["coding"]![0]!;
        coding["system"] = system;
        coding["code"] = code;

        Assert.Equal("warning", await IndicatorAsync(order));
    }

    [Theory]
    [InlineData("1975", "warning")]                  // a partial FHIR date the patient's falls in
    [InlineData("1975-06", "warning")]
    [InlineData("1900", "critical")]                 // another year: someone else
    [InlineData("1975-06-30T00:00:00Z", "critical")] // not a FHIR date: cannot be compared, so fail closed
    [InlineData("30/06/1975", "critical")]
    public async Task ABirthDate_IsComparedOrFailsClosed(string birthDate, string indicator)
    {
        await factory.SignedAsync();
        var order = Order(CdsFactory.Patient(birthDate: birthDate));

        Assert.Equal(indicator, await IndicatorAsync(order));
    }

    [Fact]
    public async Task TwoDifferentMrns_OfTheClinicsSystem_FailClosed()
    {
        await factory.SignedAsync();
        var patient = CdsFactory.Patient();
        ((JsonArray)patient["identifier"]!).Add(new JsonObject { ["system"] = CdsFactory.MrnSystem, ["value"] = "MRN-9999" });

        var cards = await CdsFactory.CardsAsync(await factory.CallAsync(Order(patient)));

        var card = Assert.Single(cards)!;
        Assert.Equal("critical", card["indicator"]!.GetValue<string>());
        Assert.Contains("more than one MRN", card["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OddlyShapedCodings_AreIgnored_NotA500()
    {
        var garbage = Order(CdsFactory.Patient());
        Request(garbage)["medicationCodeableConcept"]!["coding"] = new JsonArray(null, 1, "x", new JsonObject());
        var asArray = Order(CdsFactory.Patient());
        Request(asArray)["medicationCodeableConcept"] = new JsonArray("6130");
        var contextArray = Order(CdsFactory.Patient());
        contextArray["context"] = new JsonArray(1, 2);

        Assert.Empty(await CdsFactory.CardsAsync(await factory.CallAsync(garbage)));
        Assert.Empty(await CdsFactory.CardsAsync(await factory.CallAsync(asArray)));
        Assert.Equal(HttpStatusCode.BadRequest, (await factory.CallAsync(contextArray)).StatusCode);
    }

    /// <summary>
    /// Members of the wrong JSON shape where an object is expected (an ingredient's item, a Medication's meta, the
    /// prefetch): never a 500, which an EHR shows as no card. The ketamine order is still judged.
    /// </summary>
    [Theory]
    [InlineData("item")]
    [InlineData("meta")]
    [InlineData("prefetch")]
    public async Task OddlyShapedMembers_OfAKetamineOrder_AreNotA500(string member)
    {
        await factory.SignedAsync();
        var order = Order(CdsFactory.Patient());
        var request = Request(order);
        var medication = Medication("m1", CdsHooksRxNorm, "6130");
        request.Remove("medicationCodeableConcept");
        request["medicationReference"] = new JsonObject { ["reference"] = "Medication/m1/_history/1" };
        Entries(order).Add(new JsonObject { ["resource"] = medication });
        switch (member)
        {
            case "item":
                medication["ingredient"] = new JsonArray(new JsonObject { ["item"] = new JsonArray("6130") }, new JsonObject { ["item"] = "6130" });
                break;
            case "meta":
                medication["meta"] = new JsonArray("1");
                break;
            default:
                order["prefetch"] = new JsonArray(CdsFactory.Patient());
                break;
        }

        var response = await factory.CallAsync(order);

        if (member == "prefetch")
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        }
        else
        {
            Assert.Equal("warning", Assert.Single(await CdsFactory.CardsAsync(response))!["indicator"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("{\"hook\":\"order-sign\",\"hook\":\"patient-view\"}")]
    [InlineData("{\"hook\":\"\xff\xfe\"}")]
    public async Task ABodyWithDuplicateMembersOrBadBytes_IsA400(string body)
    {
        using var client = factory.CreateClient();
        using var message = new HttpRequestMessage(HttpMethod.Post, "/cds-services/ketamine-consent")
        {
            Content = new ByteArrayContent(body.Select(c => (byte)c).ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        message.Headers.Authorization = EhrClient.Bearer(factory.Ehr.Es384(EhrClient.Claims(CdsFactory.CdsAudience)));

        var response = await client.SendAsync(message);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Invalid JSON", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private const string CdsHooksRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";

    private static JsonObject Order(JsonObject patient) => CdsFactory.OrderSign("6130", "ketamine", patient);

    private static JsonObject Request(JsonObject order) => (JsonObject)order["context"]!["draftOrders"]!["entry"]![0]!["resource"]!;

    private static JsonArray Entries(JsonObject order) => (JsonArray)order["context"]!["draftOrders"]!["entry"]!;

    private static JsonObject Concept(string system, string code) => new()
    {
        ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code }),
    };

    private static JsonObject Medication(string id, string system, string code) => new()
    {
        ["resourceType"] = "Medication",
        ["id"] = id,
        ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code }) },
    };

    private async Task<string?> IndicatorAsync(JsonObject order)
    {
        var cards = await CdsFactory.CardsAsync(await factory.CallAsync(order));
        return cards.Count == 0 ? null : Assert.Single(cards)!["indicator"]!.GetValue<string>();
    }
}

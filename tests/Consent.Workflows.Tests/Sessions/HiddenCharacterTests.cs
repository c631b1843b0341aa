using System.Text.Json.Nodes;

namespace Consent.Workflows.Tests.Sessions;

/// <summary>
/// Text a reader would not see as it is stored (zero-width, bidirectional overrides, controls) never
/// reaches a record, whatever the host checked before; names in every script still do.
/// </summary>
public sealed class HiddenCharacterTests
{
    /// <summary>Looks like "Jane Doe", is stored as "Jane " + RIGHT-TO-LEFT OVERRIDE + "eoD".</summary>
    private const string Spoofed = "Jane \u202EeoD";

    public static TheoryData<string, bool> Texts() => new()
    {
        { "María José Pérez", false },
        { "O\u2019Neil", false },
        { "李小龙", false },
        { "محمد بن سلمان", false },
        { "علی\u200Cرضا", false },          // Persian: a zero-width non-joiner inside a name is writing, not hiding
        { "Ng\u0169y\u1EC5n Th\u1ECB", false },
        { "Zoë-Åsa Ødegård", false },
        { "Line one\nline two", true },
        { "\u200B\u200B\u200B", true },
        { Spoofed, true },
        { "Jane\u2066 Doe\u2069", true },
        { "Jane\u200E Doe", true },
        { "\uFEFFJane", true },
        { "Jane\u00ADDoe", true },
        { "Jane\u0007", true },
        { "Jane\uE000", true },
        { "Jane\u2028Doe", true },
        { "\u3164\u3164", true },
        { "\u0301\u0301", true },
        { "\u200CJane", true },
    };

    /// <summary>
    /// Default_Ignorable_Code_Point characters outside the format category (Unicode's
    /// DerivedCoreProperties.txt), and the replacement characters: each draws nothing where it stands.
    /// </summary>
    public static TheoryData<string> InvisibleMarks() => new()
    {
        "MRN\uFE0F1234",                 // variation selector 16 after a letter
        "Jane Doe\uFE0F",
        "Jane\uFE0E Doe",
        "Jane\uFE00Doe",
        "Jane\U000E0100",                // variation selector 17 (a surrogate pair)
        "Jane\u180BDoe",                 // Mongolian free variation selectors
        "Jane\u180FDoe",
        "Jane\u034FDoe",                 // combining grapheme joiner
        "Jane\u17B4",                    // Khmer inherent vowels
        "\u17B5Jane",
        "Jane\uFFFC",                    // object replacement character
        "Jane\uFFFDDoe",                 // replacement character
        "\uFE0F",
        "1\uFE0F234",                    // a keycap's selector without its keycap
    };

    /// <summary>Real names in many scripts (their combining marks are accents and vowels, not hiding places), and emoji.</summary>
    public static TheoryData<string> VisibleTexts() => new()
    {
        "Γιώργος Παπαδόπουλος",
        "יוֹסֵף כֹּהֵן",                 // Hebrew with vowel points
        "अनुष्का शर्मा",
        "முருகன்",
        "สมชาย ใจดี",
        "김민준",
        "佐藤 花子",
        "សុខា ចាន់",
        "Батбаяр",
        "አበበ ቢቂላ",
        "علی\u200Cرضا",
        "Thanks \u2764\uFE0F",          // an emoji presentation sequence, as phone keyboards type it
        "Room 1\uFE0F\u20E3",           // a keycap
        "\U0001F469\u200D\u2695\uFE0F",  // woman health worker: joiner and selector inside an emoji
        "\u263A\uFE0E",                 // a text presentation selector after a symbol
    };

    [Theory]
    [MemberData(nameof(InvisibleMarks))]
    public void DefaultIgnorableMarks_AndReplacementCharacters_AreRefused(string text)
    {
        Assert.Equal(TextProblem.HiddenCharacters, VisibleText.Check(text));
    }

    [Theory]
    [MemberData(nameof(VisibleTexts))]
    public void NamesInManyScripts_AndEmoji_StillPass(string text)
    {
        Assert.Null(VisibleText.Check(text));
    }

    [Fact]
    public void ANameWithAVariationSelector_DoesNotMatchTheRegisteredName_AndCannotBeSigned()
    {
        Assert.False(PersonNames.Match("Jane Doe\uFE0F", "Jane Doe"));
        Assert.False(PersonNames.Match("Ja\u034Fne Doe", "Jane Doe"));
        Assert.True(PersonNames.Match("jane  DOE", "Jane Doe"));
        Assert.True(PersonNames.Match("Jose Perez", "José Pérez"));

        var session = new SessionDriver { RegisteredName = "Jane Doe" }.ToSignature();
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new SignAsPatient("sign", "Jane Doe\uFE0F", true, [], session.RegisteredName)).Kind);
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new SignAsPatient("sign", "Jane\u180B Doe", true, [], session.RegisteredName)).Kind);
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void VisibleText_RefusesWhatAReaderCannotSee_AndAcceptsNamesInEveryScript(string text, bool refused)
    {
        Assert.Equal(!refused, VisibleText.IsAcceptable(text, multiline: false));
    }

    [Fact]
    public void NewlinesAndTabs_AreAllowedInMultiLineText_OnlyThere()
    {
        Assert.True(VisibleText.IsAcceptable("Line one\r\n\tline two", multiline: true));
        Assert.False(VisibleText.IsAcceptable("Line one\tline two", multiline: false));
        Assert.False(VisibleText.IsAcceptable("Line one\u0000", multiline: true));
    }

    [Fact]
    public void AnUnpairedSurrogate_IsRefused()
    {
        // Not in the theory data: xunit would turn the lone surrogate into U+FFFD when it shows the case.
        Assert.Equal(TextProblem.HiddenCharacters, VisibleText.Check("Jane \uD800"));
        Assert.Equal(TextProblem.HiddenCharacters, VisibleText.Check("\uDC00Jane"));
        Assert.Null(VisibleText.Check("Emoji \uD83D\uDE00"));
    }

    [Fact]
    public void TheInterpreter_RefusesHiddenCharacters_InEveryTextItRecords()
    {
        var session = new SessionDriver();
        session.Verify();
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new SubmitAnswers("screening", new Dictionary<string, JsonNode?>
        {
            ["pregnant"] = false, ["substance_use"] = false, ["notes"] = Spoofed,
        })).Kind);
        session.Screen();

        Assert.Equal(RefusalKind.Invalid, session.Refuse(new AskQuestion("dissociation", "\u200B\u200B\u200B")).Kind);
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new AskQuestion("dissociation", Spoofed)).Kind);
        session.Accept(new AskQuestion("dissociation", "¿Puedo conducir después? 李小龙 asked O\u2019Neil"));
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new AnswerQuestion("q1", "No\u2066 driving\u2069", "staff-1")).Kind);
        session.Accept(new AnswerQuestion("q1", "No driving that day.", "staff-1"), "staff-1");
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new Decline("I changed my mind\u202E")).Kind);
    }

    [Fact]
    public void ASpoofedRegisteredName_CannotBeSigned_EvenWhenTypedTheSame()
    {
        var session = new SessionDriver { RegisteredName = Spoofed }.ToSignature();

        Assert.Equal(RefusalKind.Invalid, session.Refuse(new SignAsPatient("sign", Spoofed, true, [], session.RegisteredName)).Kind);
    }

    [Fact]
    public void StaffTexts_WithHiddenCharacters_AreRefused()
    {
        var held = new SessionDriver().ToSignature(substanceUse: true);
        Assert.Equal(RefusalKind.Invalid, held.Refuse(new RecordDiscussion("Discussed\u200B", "staff-1")).Kind);

        var voided = new SessionDriver();
        Assert.Equal(RefusalKind.Invalid, voided.Refuse(new VoidSession("\u202Ewrong patient", "staff-1")).Kind);
    }
}

namespace Consent.Workflows;

/// <summary>Limits of a dose-day check-in.</summary>
public static class CheckinLimits
{
    /// <summary>
    /// The longest note a clinician's decision on a held check-in takes, in characters: the note is printed in full on the
    /// check-in's one-page signed record (never cut: 21 CFR 11.10(b) asks for an accurate and complete copy), and this is
    /// what fits on one page beside every other part at its largest. Longer notes are refused with a problem saying so.
    /// </summary>
    public const int MaxDecisionNoteLength = 300;
}

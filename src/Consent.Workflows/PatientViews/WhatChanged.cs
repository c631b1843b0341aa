using System.Collections.Immutable;

namespace Consent.Workflows;

/// <summary>A disclosure of the new version that the patient did not read, in these words, when they signed before.</summary>
/// <param name="StepId">The disclosure step.</param>
/// <param name="Title">Its title in the view's language.</param>
/// <param name="Mark"><c>new</c> (no disclosure of this id was in the signed version) or <c>changed</c> (its text differs).</param>
public sealed record ChangedDisclosure(string StepId, string? Title, string Mark);

/// <summary>What a re-consent shows first: "What changed since you signed on ...".</summary>
/// <param name="SignedVersion">The version the patient signed before.</param>
/// <param name="SignedAt">When that consent was signed.</param>
/// <param name="Summary">The new version's own summary of what changed and why (its <c>changes</c>), in the view's language.</param>
/// <param name="Disclosures">The new and changed disclosures, in the order the form shows them.</param>
public sealed record ChangesSinceView(int SignedVersion, DateTimeOffset SignedAt, string? Summary, IReadOnlyList<ChangedDisclosure> Disclosures);

/// <summary>
/// The difference between the version a patient signed and the one a re-consent runs, as the patient is
/// shown it: found by comparing the disclosures' content hashes (<see cref="ContentHashes"/>, the same hash an
/// acknowledgment seals), so a disclosure counts as unchanged only when its exact text was in the signed version.
/// </summary>
public static class WhatChanged
{
    public const string New = "new";
    public const string Changed = "changed";

    /// <summary>Each disclosure of <paramref name="current"/> that is new or changed since <paramref name="signedVersion"/>, by step id.</summary>
    public static ImmutableDictionary<string, string> Marks(WorkflowDefinition signedVersion, WorkflowDefinition current, string language)
    {
        ArgumentNullException.ThrowIfNull(signedVersion);
        ArgumentNullException.ThrowIfNull(current);
        // Compare in the view's language when the signed version has it, else in the signed version's first
        // language: a hash of one language never equals another's, which would mark everything changed.
        var signedLanguage = signedVersion.Languages.Contains(language) ? language : signedVersion.Languages[0];
        var before = signedVersion.Steps.OfType<DisclosureStep>().ToDictionary(d => d.Id, d => ContentHashes.For(d, signedLanguage), StringComparer.Ordinal);
        var marks = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var disclosure in current.Steps.OfType<DisclosureStep>())
        {
            var compareIn = current.Languages.Contains(signedLanguage) ? signedLanguage : language;
            if (!before.TryGetValue(disclosure.Id, out var hash))
            {
                marks[disclosure.Id] = New;
            }
            else if (!string.Equals(hash, ContentHashes.For(disclosure, compareIn), StringComparison.Ordinal))
            {
                marks[disclosure.Id] = Changed;
            }
        }

        return marks.ToImmutable();
    }

    /// <summary>The "what changed" view of a re-consent session in <paramref name="language"/>.</summary>
    public static ChangesSinceView Since(WorkflowDefinition signedVersion, WorkflowDefinition current, Supersedes supersedes, string language)
    {
        ArgumentNullException.ThrowIfNull(supersedes);
        var marks = Marks(signedVersion, current, language);
        return new ChangesSinceView(
            supersedes.Version,
            supersedes.SignedAt,
            current.Changes?.For(language).Trim(),
            [.. current.Steps.OfType<DisclosureStep>().Where(d => marks.ContainsKey(d.Id))
                .Select(d => new ChangedDisclosure(d.Id, d.Title?.For(language).Trim(), marks[d.Id]))]);
    }
}

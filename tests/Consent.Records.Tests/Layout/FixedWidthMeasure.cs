using Consent.Records.Layout;

namespace Consent.Records.Tests.Layout;

/// <summary>Every character is half the font size wide: predictable line breaks for tests.</summary>
sealed class FixedWidthMeasure : ITextMeasure
{
    public double Width(string text, TextStyle style) => text.Length * style.Size / 2;
}

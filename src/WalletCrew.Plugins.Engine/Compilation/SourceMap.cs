namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>
/// Maps positions in rewritten source back to the user's original text. Rewrites only insert text within a line,
/// so line numbers never change and only columns after an insertion shift. Plain text, no compiler types: a
/// connector loaded from the compile cache uses it without loading Roslyn.
/// </summary>
internal sealed class SourceMap
{
    private readonly string _original;
    private readonly int[] _originalLineStarts;
    private readonly int[] _rewrittenLineStarts;
    private readonly int _originalLength;

    public SourceMap(string original, IReadOnlyList<(int OriginalPosition, int Length)> insertions)
    {
        _original = original;
        _originalLineStarts = LineStarts(original);
        _originalLength = original.Length;
        Insertions = insertions;

        // Insertions never contain line breaks: a rewritten line starts where the original one does, shifted by what was inserted before it.
        _rewrittenLineStarts = [.. _originalLineStarts.Select(start => start + insertions.Where(i => i.OriginalPosition < start).Sum(i => i.Length))];
    }

    /// <summary>Gets the insertions, ordered by original position (persisted with cached images).</summary>
    public IReadOnlyList<(int OriginalPosition, int Length)> Insertions { get; }

    public static SourceMap Identity(string text) => new(text, []);

    /// <summary>Maps a 0-based position of the rewritten text to the original text.</summary>
    public int ToOriginal(int rewrittenPosition)
    {
        var shift = 0;
        foreach (var (originalPosition, length) in Insertions)
        {
            var insertedAt = originalPosition + shift;
            if (rewrittenPosition < insertedAt)
            {
                break;
            }

            if (rewrittenPosition < insertedAt + length)
            {
                return originalPosition;
            }

            shift += length;
        }

        return rewrittenPosition - shift;
    }

    /// <summary>Maps a 1-based line and column of the rewritten text to the original's.</summary>
    public (int Line, int Column) ToOriginal(int line, int column)
    {
        if (line < 1 || line > _rewrittenLineStarts.Length)
        {
            return (line, column);
        }

        return ToOriginalStart(_rewrittenLineStarts[line - 1] + Math.Max(column - 1, 0));
    }

    /// <summary>Maps a 0-based position of the rewritten text to the original 1-based line and column.</summary>
    public (int Line, int Column) ToOriginalStart(int rewrittenPosition)
    {
        var position = Math.Min(ToOriginal(rewrittenPosition), _originalLength);
        var line = Array.BinarySearch(_originalLineStarts, position);
        line = line >= 0 ? line : ~line - 1;
        return (line + 1, position - _originalLineStarts[line] + 1);
    }

    private static int[] LineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                starts.Add(i + 1);
            }
        }

        return [.. starts];
    }
}

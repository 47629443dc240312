using Microsoft.CodeAnalysis.Text;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>
/// Maps positions in rewritten source back to the user's original text. Rewrites only insert text within a line,
/// so line numbers never change and only columns after an insertion shift.
/// </summary>
internal sealed class SourceMap
{
    private readonly SourceText _original;
    private readonly SourceText _rewritten;
    private readonly IReadOnlyList<(int OriginalPosition, int Length)> _insertions;

    public SourceMap(SourceText original, SourceText rewritten, IReadOnlyList<(int OriginalPosition, int Length)> insertions)
    {
        _original = original;
        _rewritten = rewritten;
        _insertions = insertions;
    }

    public static SourceMap Identity(SourceText text) => new(text, text, []);

    /// <summary>Returns the map to <paramref name="next"/>, a further rewrite of the rewritten text that inserted text at the given rewritten positions.</summary>
    public SourceMap Then(SourceText next, IEnumerable<(int RewrittenPosition, int Length)> insertions)
    {
        var combined = _insertions.Concat(insertions.Select(i => (ToOriginal(i.RewrittenPosition), i.Length)))
            .OrderBy(i => i.Item1)
            .ToList();
        return new SourceMap(_original, next, combined);
    }

    /// <summary>Maps a 0-based position of the rewritten text to the original text.</summary>
    public int ToOriginal(int rewrittenPosition)
    {
        var shift = 0;
        foreach (var (originalPosition, length) in _insertions)
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
        if (line < 1 || line > _rewritten.Lines.Count)
        {
            return (line, column);
        }

        var position = _rewritten.Lines[line - 1].Start + Math.Max(column - 1, 0);
        var original = _original.Lines.GetLinePosition(Math.Min(ToOriginal(position), _original.Length));
        return (original.Line + 1, original.Character + 1);
    }

    /// <summary>Maps a span of the rewritten text to the original line and column (1-based).</summary>
    public (int Line, int Column) ToOriginalStart(TextSpan rewrittenSpan)
    {
        var original = _original.Lines.GetLinePosition(Math.Min(ToOriginal(rewrittenSpan.Start), _original.Length));
        return (original.Line + 1, original.Character + 1);
    }
}

using System.Text.Json.Serialization;
using DiffPlex;
using DiffPlex.Chunkers;

namespace Approvals.Core.Review;

/// <summary>What a run of text in a diff is: in both versions, only in the old one, or only in the new one. Serialised as a string.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DiffKind>))]
public enum DiffKind
{
    Unchanged,
    Deleted,
    Inserted,
}

/// <summary>A run of text in a word-level diff.</summary>
public sealed record DiffPiece(DiffKind Kind, string Text);

/// <summary>Word-level differences between two texts (DiffPlex's word chunker), as runs that read in order.</summary>
public static class TextDiff
{
    /// <summary>
    /// The runs that turn <paramref name="before"/> into <paramref name="after"/>: the unchanged runs with the deleted ones
    /// give the old text, with the inserted ones the new text. A deletion comes before the insertion that replaces it.
    /// </summary>
    public static IReadOnlyList<DiffPiece> Words(string before, string after)
    {
        var result = Differ.Instance.CreateDiffs(before, after, ignoreWhiteSpace: false, ignoreCase: false, WordChunker.Instance);
        var pieces = new List<DiffPiece>();
        var old = 0;
        foreach (var block in result.DiffBlocks)
        {
            for (; old < block.DeleteStartA; old++)
            {
                Add(pieces, DiffKind.Unchanged, result.PiecesOld[old]);
            }

            for (var i = 0; i < block.DeleteCountA; i++)
            {
                Add(pieces, DiffKind.Deleted, result.PiecesOld[block.DeleteStartA + i]);
            }

            for (var i = 0; i < block.InsertCountB; i++)
            {
                Add(pieces, DiffKind.Inserted, result.PiecesNew[block.InsertStartB + i]);
            }

            old = block.DeleteStartA + block.DeleteCountA;
        }

        for (; old < result.PiecesOld.Count; old++)
        {
            Add(pieces, DiffKind.Unchanged, result.PiecesOld[old]);
        }

        return pieces;
    }

    // Runs of one kind are joined, so "a b" deleted reads as one deletion rather than three pieces.
    private static void Add(List<DiffPiece> pieces, DiffKind kind, string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        if (pieces.Count > 0 && pieces[^1].Kind == kind)
        {
            pieces[^1] = pieces[^1] with { Text = pieces[^1].Text + text };
            return;
        }

        pieces.Add(new DiffPiece(kind, text));
    }
}

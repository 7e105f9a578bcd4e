using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Approvals.Web.Features.Documents;

/// <summary>
/// The visible text of a paragraph, and the block order of a body or cell. A line break within a paragraph is a
/// newline; deleted (tracked) text, hidden text, field codes and text boxes are left out, as Word shows them.
/// </summary>
internal static class WordText
{
    public static string Of(Paragraph paragraph)
    {
        var text = new StringBuilder();
        Append(paragraph, text);
        return text.ToString();
    }

    /// <summary>The paragraphs and tables of a body or table cell in reading order, looking inside content controls.</summary>
    public static IEnumerable<OpenXmlElement> Blocks(OpenXmlElement container)
    {
        foreach (var child in container.ChildElements)
        {
            switch (child)
            {
                case Paragraph or Table:
                    yield return child;
                    break;
                case SdtBlock sdt when sdt.SdtContentBlock is { } content:
                    foreach (var block in Blocks(content))
                    {
                        yield return block;
                    }

                    break;
                case CustomXmlBlock custom:
                    foreach (var block in Blocks(custom))
                    {
                        yield return block;
                    }

                    break;
            }
        }
    }

    /// <summary>The paragraphs of a cell in reading order, including those of a table nested in it.</summary>
    public static IEnumerable<Paragraph> ParagraphsOf(TableCell cell) => Paragraphs(cell);

    public static IEnumerable<TableRow> Rows(Table table) => Unwrap<TableRow>(table, e => e switch
    {
        SdtRow sdt => sdt.SdtContentRow,
        CustomXmlRow custom => custom,
        _ => null,
    });

    public static IEnumerable<TableCell> Cells(TableRow row) => Unwrap<TableCell>(row, e => e switch
    {
        SdtCell sdt => sdt.SdtContentCell,
        CustomXmlCell custom => custom,
        _ => null,
    });

    private static IEnumerable<Paragraph> Paragraphs(OpenXmlElement container)
    {
        foreach (var block in Blocks(container))
        {
            if (block is Paragraph paragraph)
            {
                yield return paragraph;
                continue;
            }

            foreach (var row in Rows((Table)block))
            {
                foreach (var cell in Cells(row))
                {
                    foreach (var nested in Paragraphs(cell))
                    {
                        yield return nested;
                    }
                }
            }
        }
    }

    private static IEnumerable<T> Unwrap<T>(OpenXmlElement container, Func<OpenXmlElement, OpenXmlElement?> wrapperContent)
        where T : OpenXmlElement
    {
        foreach (var child in container.ChildElements)
        {
            if (child is T item)
            {
                yield return item;
            }
            else if (wrapperContent(child) is { } content)
            {
                foreach (var inner in Unwrap<T>(content, wrapperContent))
                {
                    yield return inner;
                }
            }
        }
    }

    private static void Append(OpenXmlElement element, StringBuilder text)
    {
        foreach (var child in element.ChildElements)
        {
            switch (child)
            {
                case Run run:
                    AppendRun(run, text);
                    break;
                case DeletedRun or MoveFromRun or ParagraphProperties or SdtProperties or SdtEndCharProperties:
                    break;
                case OpenXmlCompositeElement composite:
                    // Inserted and moved-to runs, hyperlinks, fields, content controls, smart tags.
                    Append(composite, text);
                    break;
            }
        }
    }

    private static void AppendRun(Run run, StringBuilder text)
    {
        if (run.RunProperties?.Vanish is { } vanish && (vanish.Val?.Value ?? true))
        {
            return;
        }

        foreach (var child in run.ChildElements)
        {
            switch (child)
            {
                case Text t:
                    text.Append(t.Text);
                    break;
                case TabChar or PositionalTab:
                    text.Append(' ');
                    break;
                case Break br when br.Type is null || br.Type.Value == BreakValues.TextWrapping:
                case CarriageReturn:
                    text.Append('\n');
                    break;
                case NoBreakHyphen:
                    text.Append('-');
                    break;
            }
        }
    }
}

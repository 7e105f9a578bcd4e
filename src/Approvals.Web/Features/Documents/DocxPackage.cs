using System.IO.Compression;
using System.Text;
using System.Xml;

namespace Approvals.Web.Features.Documents;

/// <summary>
/// Checks an uploaded file before the Open XML SDK reads it: that it is a .docx (and if not, what it is: a PDF,
/// an old .doc, a password-protected file), and that its package is safe to read: a bounded number of parts,
/// unpacking to a bounded size (counted while unpacking, not taken from the zip's own claims), well-formed XML
/// without DTDs and without absurd nesting. A zip bomb or a billion-laughs part ends here as a 400, not as memory
/// exhausted or a stack overflow in the reader.
/// </summary>
internal static class DocxPackage
{
    private static readonly byte[] Zip = "PK\u0003\u0004"u8.ToArray();
    private static readonly byte[] EmptyZip = "PK\u0005\u0006"u8.ToArray();
    private static readonly byte[] CompoundFile = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    public static DocumentProblem? Check(byte[] file)
    {
        if (file.Length == 0)
        {
            return DocumentProblem.EmptyFile();
        }

        var head = file.AsSpan();
        if (head.StartsWith(Zip))
        {
            return CheckZip(file);
        }

        if (head.StartsWith(CompoundFile))
        {
            // Word encrypts a .docx into an OLE compound file holding "EncryptionInfo" and "EncryptedPackage"
            // streams; a Word 97-2003 .doc is a compound file with a "WordDocument" stream.
            return Contains(file, "EncryptedPackage") ? DocumentProblem.PasswordProtected()
                : Contains(file, "WordDocument") ? DocumentProblem.LegacyWordFile()
                : DocumentProblem.NotDocx("an Office 97-2003 file of another kind (such as .xls)");
        }

        return DocumentProblem.NotDocx(
            head.StartsWith(EmptyZip) ? "an empty zip archive"
            : head.StartsWith("%PDF"u8) ? "a PDF"
            : head.StartsWith("{\\rtf"u8) ? "a Rich Text (.rtf) file"
            : LooksLikeMarkup(head) ? "an XML or HTML file"
            : null);
    }

    private static DocumentProblem? CheckZip(byte[] file)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(file, writable: false), ZipArchiveMode.Read);
            if (zip.Entries.Count > DocxLimits.MaxParts)
            {
                return DocumentProblem.TooLargeUnpacked();
            }

            if (OtherPackage(zip) is { } other)
            {
                return DocumentProblem.NotDocx(other);
            }

            var budget = DocxLimits.MaxUnpackedBytes;
            foreach (var entry in zip.Entries)
            {
                var isXml = entry.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) ||
                    entry.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase);
                var limit = isXml ? Math.Min(budget, DocxLimits.MaxCharactersInPart) : budget;
                using var counted = new CountingStream(entry.Open(), limit);
                if (isXml)
                {
                    CheckXml(counted);
                }

                counted.CopyTo(Stream.Null);
                budget -= counted.Count;
            }

            return null;
        }
        catch (LimitExceededException)
        {
            return DocumentProblem.TooLargeUnpacked();
        }
        catch (XmlException e)
        {
            return DocumentProblem.Damaged($"a part is not well-formed XML: {e.Message}");
        }
        catch (InvalidDataException)
        {
            return DocumentProblem.Damaged("its zip package is broken or incomplete");
        }
        catch (NotSupportedException)
        {
            return DocumentProblem.Damaged("its zip package uses a compression or encryption that cannot be read");
        }
        catch (IOException)
        {
            return DocumentProblem.Damaged("its zip package could not be unpacked");
        }
    }

    /// <summary>What a zip that is not a Word document is, when it is a common office file.</summary>
    private static string? OtherPackage(ZipArchive zip)
    {
        if (zip.GetEntry("mimetype") is not null && zip.GetEntry("content.xml") is not null)
        {
            return "an OpenDocument file (such as .odt)";
        }

        if (zip.GetEntry("[Content_Types].xml") is null)
        {
            return "a zip archive, not an Office document";
        }

        return zip.Entries.Any(e => e.FullName.StartsWith("word/", StringComparison.Ordinal)) ? null
            : zip.Entries.Any(e => e.FullName.StartsWith("xl/", StringComparison.Ordinal)) ? "an Excel workbook (.xlsx)"
            : zip.Entries.Any(e => e.FullName.StartsWith("ppt/", StringComparison.Ordinal)) ? "a PowerPoint presentation (.pptx)"
            : null;
    }

    private static void CheckXml(Stream part)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            CloseInput = false,
            IgnoreWhitespace = true,
        };
        using var reader = XmlReader.Create(part, settings);
        while (reader.Read())
        {
            if (reader.Depth > DocxLimits.MaxXmlDepth)
            {
                throw new XmlException($"the XML is nested more than {DocxLimits.MaxXmlDepth} levels deep");
            }
        }
    }

    private static bool Contains(byte[] file, string utf16Name) =>
        file.AsSpan().IndexOf(Encoding.Unicode.GetBytes(utf16Name)) >= 0;

    private static bool LooksLikeMarkup(ReadOnlySpan<byte> head)
    {
        var start = head[..Math.Min(head.Length, 64)];
        if (start.StartsWith("\uFEFF"u8))
        {
            start = start[3..];
        }

        start = start.TrimStart(" \t\r\n"u8);
        return start.StartsWith("<"u8);
    }

    private sealed class LimitExceededException() : Exception("The package unpacks to more than the limit.");

    /// <summary>Counts what is read through it and stops at the limit, whatever the zip's headers claim.</summary>
    private sealed class CountingStream(Stream inner, long limit) : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => Count;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            Count += read;
            if (Count > limit)
            {
                throw new LimitExceededException();
            }

            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

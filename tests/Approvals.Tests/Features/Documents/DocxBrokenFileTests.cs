using System.IO.Compression;
using System.Text;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Documents;
using static Approvals.Tests.Features.Documents.Importer;

namespace Approvals.Tests.Features.Documents;

/// <summary>Files that are not a plan's .docx, or are hostile: each is a problem with a kind, never an exception.</summary>
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class DocxBrokenFileTests
{
    private const string ContentTypes =
        """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>""";

    private const string Rels =
        """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>""";

    private const string W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    public static TheoryData<string, DocumentProblemKind, string> Files() => new()
    {
        { "empty", DocumentProblemKind.EmptyFile, "empty" },
        { "random bytes", DocumentProblemKind.NotDocx, "not a Word document" },
        { "pdf", DocumentProblemKind.NotDocx, "a PDF" },
        { "rtf", DocumentProblemKind.NotDocx, "Rich Text" },
        { "html", DocumentProblemKind.NotDocx, "XML or HTML" },
        { "doc 97-2003", DocumentProblemKind.LegacyWordFile, "Word 97-2003" },
        { "password-protected docx", DocumentProblemKind.PasswordProtected, "password" },
        { "empty zip", DocumentProblemKind.NotDocx, "empty zip" },
        { "xlsx", DocumentProblemKind.NotDocx, "Excel" },
        { "odt", DocumentProblemKind.NotDocx, "OpenDocument" },
        { "truncated docx", DocumentProblemKind.Damaged, "damaged" },
        { "no content types", DocumentProblemKind.NotDocx, "a zip archive" },
        { "broken relationship", DocumentProblemKind.Damaged, "could not be read" },
        { "xml not well-formed", DocumentProblemKind.Damaged, "not well-formed" },
        { "billion laughs (DTD)", DocumentProblemKind.Damaged, "DTD" },
        { "deeply nested xml", DocumentProblemKind.Damaged, "nested" },
        { "zip bomb in the document part", DocumentProblemKind.TooLargeUnpacked, "unpacks to more than 50 MB" },
        { "zip bomb in a picture", DocumentProblemKind.TooLargeUnpacked, "unpacks to more than 50 MB" },
        { "too many parts", DocumentProblemKind.TooLargeUnpacked, "unpacks" },
        { "no body", DocumentProblemKind.Damaged, "no body" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task A_file_that_is_not_a_readable_docx_is_a_problem_saying_what_was_expected(string file, DocumentProblemKind kind, string says)
    {
        var outcome = await Read(Make(file), Committee.Sou);

        Assert.Equal(kind, outcome.Problem?.Kind);
        Assert.Contains(says, outcome.Problem!.Message);
        Assert.Equal("file", outcome.Problem.Field);
        Assert.Null(outcome.Plan);
    }

    public static byte[] Make(string file) => file switch
    {
        "empty" => [],
        "random bytes" => Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray(),
        "pdf" => "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"u8.ToArray(),
        "rtf" => "{\\rtf1\\ansi Handleplan}"u8.ToArray(),
        "html" => "\uFEFF  <html><body><table><tr><td>Nr.</td></tr></table></body></html>"u8.ToArray(),
        "doc 97-2003" => CompoundFile("Root Entry", "WordDocument", "1Table", "SummaryInformation"),
        "password-protected docx" => CompoundFile("Root Entry", "EncryptionInfo", "EncryptedPackage", "DataSpaces"),
        "empty zip" => [0x50, 0x4B, 0x05, 0x06, .. new byte[18]],
        "xlsx" => Zip(("[Content_Types].xml", ContentTypes), ("xl/workbook.xml", "<workbook/>")),
        "odt" => Zip(("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"/>")),
        "truncated docx" => SeedDocument.Build("SOU")[..1500],
        "no content types" => Zip(("_rels/.rels", Rels), ("word/document.xml", Document("<w:body/>"))),
        "broken relationship" => Zip(("[Content_Types].xml", ContentTypes), ("_rels/.rels", Rels.Replace("word/document.xml", "word/missing.xml")), ("word/document.xml", Document("<w:body/>"))),
        "xml not well-formed" => Zip(("[Content_Types].xml", ContentTypes), ("_rels/.rels", Rels), ("word/document.xml", $"<w:document xmlns:w=\"{W}\"><w:body>")),
        "billion laughs (DTD)" => Zip(("[Content_Types].xml", ContentTypes), ("_rels/.rels", Rels), ("word/document.xml",
            "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>" +
            $"<w:document xmlns:w=\"{W}\"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>")),
        "deeply nested xml" => Zip(("[Content_Types].xml", ContentTypes), ("_rels/.rels", Rels), ("word/document.xml",
            Document($"<w:body>{string.Concat(Enumerable.Repeat("<w:sdt><w:sdtContent>", 5000))}{string.Concat(Enumerable.Repeat("</w:sdtContent></w:sdt>", 5000))}</w:body>"))),
        "zip bomb in the document part" => Bomb("word/document.xml", $"<?xml version=\"1.0\"?><w:document xmlns:w=\"{W}\"><w:body><w:p><w:r><w:t>", 60),
        "zip bomb in a picture" => Bomb("word/media/image1.png", "", 60),
        "too many parts" => Zip(Enumerable.Range(0, 1200).Select(i => ($"word/media/image{i}.png", "x")).Prepend(("[Content_Types].xml", ContentTypes)).ToArray()),
        "no body" => Zip(("[Content_Types].xml", ContentTypes), ("_rels/.rels", Rels), ("word/document.xml", Document(""))),
        _ => throw new ArgumentOutOfRangeException(nameof(file)),
    };

    private static string Document(string body) => $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"{W}\">{body}</w:document>";

    private static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return stream.ToArray();
    }

    /// <summary>A small zip whose <paramref name="name"/> unpacks to <paramref name="megabytes"/> MB of spaces after <paramref name="prefix"/>.</summary>
    private static byte[] Bomb(string name, string prefix, int megabytes)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (part, content) in new[] { ("[Content_Types].xml", ContentTypes), ("_rels/.rels", Rels) })
            {
                using var small = zip.CreateEntry(part).Open();
                small.Write(Encoding.UTF8.GetBytes(content));
            }

            using var entry = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
            entry.Write(Encoding.UTF8.GetBytes(prefix));
            var spaces = new byte[1024 * 1024];
            Array.Fill(spaces, (byte)' ');
            for (var i = 0; i < megabytes; i++)
            {
                entry.Write(spaces);
            }
        }

        Assert.True(stream.Length < 1024 * 1024, $"The bomb should be small packed, but is {stream.Length} bytes.");
        return stream.ToArray();
    }

    /// <summary>The start of an OLE compound file (as Word 97-2003 and encrypted Office files are) naming its streams.</summary>
    private static byte[] CompoundFile(params string[] streams)
    {
        byte[] signature = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        return [.. signature, .. new byte[504], .. streams.SelectMany(s => Encoding.Unicode.GetBytes(s).Concat(new byte[128 - 2 * s.Length]))];
    }
}

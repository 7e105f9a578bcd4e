using Approvals.Core.Plans;

namespace Approvals.Web.Features.Documents;

/// <summary>Why an uploaded file cannot become a plan. The page words each kind in the UI's language.</summary>
public enum DocumentProblemKind
{
    NotMultipart,
    FileMissing,
    EmptyFile,
    TooLarge,
    NotDocx,
    LegacyWordFile,
    PasswordProtected,
    Damaged,
    TooLargeUnpacked,
    NoPlanTable,
    CommitteeNotInDocument,
}

/// <summary>
/// A refused upload: the kind, the request field it concerns and what the sender should do, in English for API
/// clients (RFC 7807 detail). <see cref="Committees"/> lists the committees a document does hold, when that is the problem.
/// </summary>
public sealed record DocumentProblem(DocumentProblemKind Kind, string Field, string Message, IReadOnlyList<string> Committees)
{
    public const string FileField = "file";

    private const string SaveAsDocx = "Open it in Word, save it as \"Word Document (*.docx)\" and send that file.";

    public static DocumentProblem NotMultipart() => new(DocumentProblemKind.NotMultipart, FileField,
        "Send the Word document as multipart/form-data, in the form field \"file\".", []);

    public static DocumentProblem FileMissing() => new(DocumentProblemKind.FileMissing, FileField,
        "The form has no field \"file\". Send the Word document (.docx) in a form field named \"file\".", []);

    public static DocumentProblem EmptyFile() => new(DocumentProblemKind.EmptyFile, FileField,
        "The file is empty. Send the Word document (.docx) that holds the plan's table.", []);

    public static DocumentProblem TooLarge() => new(DocumentProblemKind.TooLarge, FileField,
        $"The file is larger than {DocxLimits.MaxFileBytes / (1024 * 1024)} MB, the limit for a plan document. " +
        "A plan's text and tables take far less: remove pictures, or save the plan as a new .docx without them.", []);

    public static DocumentProblem NotDocx(string? what) => new(DocumentProblemKind.NotDocx, FileField,
        $"The file is not a Word document (.docx){(what is null ? "" : $"; it looks like {what}")}. Expected a .docx file saved by Word, " +
        "LibreOffice or this app's export. " + SaveAsDocx, []);

    public static DocumentProblem LegacyWordFile() => new(DocumentProblemKind.LegacyWordFile, FileField,
        "The file is an old Word 97-2003 document (.doc), which is not read. " + SaveAsDocx, []);

    public static DocumentProblem PasswordProtected() => new(DocumentProblemKind.PasswordProtected, FileField,
        "The file is protected with a password (encrypted), so it cannot be read. Remove the password in Word " +
        "(File > Info > Protect Document > Encrypt with Password, then clear the password), save, and send the file again.", []);

    public static DocumentProblem Damaged(string detail) => new(DocumentProblemKind.Damaged, FileField,
        $"The file is damaged or not a valid Word document ({detail}). " + SaveAsDocx, []);

    public static DocumentProblem TooLargeUnpacked() => new(DocumentProblemKind.TooLargeUnpacked, FileField,
        $"The document unpacks to more than {DocxLimits.MaxUnpackedBytes / (1024 * 1024)} MB or holds a part of more than " +
        $"{DocxLimits.MaxCharactersInPart / 1_000_000} million characters, far more than a plan needs. Send the plan's own document, without embedded files.", []);

    public static DocumentProblem NoPlanTable(Committee? part) => new(DocumentProblemKind.NoPlanTable, FileField,
        $"No plan table was found{(part is null ? "" : $" in the part for {part.Code}")}. Expected a table whose first row names the columns " +
        "Nr., Resultatmål and Indikator, and optionally Aktiviteter (3 or 4 columns), below a \"Målsætning:\" paragraph or a heading.", []);

    public static DocumentProblem CommitteeNotInDocument(Committee wanted, IReadOnlyList<Committee> found) => new(
        DocumentProblemKind.CommitteeNotInDocument, "committee",
        $"The document holds plans for {string.Join(", ", found.Select(c => c.Code))}, but none for {wanted.Code}: a part starts with a heading " +
        $"naming its committee (e.g. \"{found[0].Code} - Tabel over resultatmål …\"). Import one of those committees, or send {wanted.Code}'s document.",
        found.Select(c => c.Code).ToList());
}

/// <summary>The limits on an uploaded document, the same for the API and the page.</summary>
public static class DocxLimits
{
    /// <summary>The largest file accepted, counted on the stream as it arrives.</summary>
    public const long MaxFileBytes = 10 * 1024 * 1024;

    /// <summary>Room for the multipart boundaries, headers and the page form's small fields around the file.</summary>
    public const long MaxFormOverheadBytes = 64 * 1024;

    /// <summary>The most all parts of the package may unpack to: a guard against zip bombs.</summary>
    public const long MaxUnpackedBytes = 50 * 1024 * 1024;

    /// <summary>The most characters one XML part may hold (the SDK's own guard, and the reader's memory bound).</summary>
    public const long MaxCharactersInPart = 8_000_000;

    /// <summary>The most parts (zip entries) a package may have.</summary>
    public const int MaxParts = 1000;

    /// <summary>The deepest XML nesting read; Word's own documents stay far below it.</summary>
    public const int MaxXmlDepth = 256;
}

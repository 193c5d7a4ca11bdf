using System.Text;
using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Infrastructure;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace GridActors.Gateway.Import;

/// <summary>
/// Imports from the spreadsheets counties already keep (批量导入): <c>POST /api/v1/import/{units|members|households|cadres}</c>
/// with a CSV or XLSX file, as the body or as the file of a multipart form. The file is checked whole against the
/// <see cref="SheetLimits"/> first (a file past one, or unreadable, is refused and writes nothing); then rows are
/// read one at a time and written a batch at a time; each row (or, for cadres, each term) is written whole or not
/// at all, and a bad row never stops the good ones. Importing the same file again changes nothing: rows already as the file says are
/// reported unchanged. See docs/import.md for the columns and limits.
/// </summary>
public static class ImportApi
{
    public const long MaxFileBytes = 50L * 1024 * 1024;
    public const int MaxRows = 100_000;
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private static readonly Dictionary<string, string> Terms = new()
    {
        ["units"] = "行政区划与网格 units: county, township, village and grid rows, parents before or after their children",
        ["members"] = "党员 Party members, keyed by county, name and birth date",
        ["households"] = "农户 households of a grid, keyed by grid, head and address",
        ["cadres"] = "村两委干部 village cadres: one row per cadre; the rows of a village and term are written as the whole term",
    };

    static ImportApi() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static IEndpointRouteBuilder MapImportApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1/import").WithTags("Import");
        foreach (var (kind, term) in Terms)
        {
            var columns = string.Join(", ", Schema(kind).Select(c => c.Required ? $"{c.Name} (required; also {string.Join(" / ", c.Aliases)})" : $"{c.Name} ({string.Join(" / ", c.Aliases)})"));
            api.MapPost($"/{kind}", (HttpContext http, IGrainFactory grains, GridClock clock) => Import(kind, http, grains, clock))
                .WithName($"Import{char.ToUpperInvariant(kind[0])}{kind[1..]}")
                .WithSummary($"Import {kind} from a CSV or XLSX file")
                .WithDescription($"批量导入 {term}. The body is text/csv (UTF-8, or charset=gb18030), an XLSX workbook (its first sheet), "
                    + $"or a multipart form with the file. The first row names the columns: {columns}. Up to {MaxFileBytes / 1024 / 1024} MB and {MaxRows} rows. "
                    + "Answers a row-by-row report: created, updated, unchanged or rejected with the column and rule. Every row's unit must be in the key's jurisdiction. "
                    + "Idempotent: the same file again reports every row unchanged.")
                .Accepts<string>("text/csv", XlsxType, "multipart/form-data")
                .Produces<ImportReport>()
                .ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
                .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
            ImportTemplates.Map(api, kind);
        }
        return endpoints;
    }

    private static IReadOnlyList<ImportColumn> Schema(string kind) => kind switch
    {
        "units" => UnitRows.Schema,
        "cadres" => CadreRows.Schema,
        "members" => MemberRows.Schema,
        _ => HouseholdRows.Schema,
    };

    private static IRowImporter Importer(string kind, HttpContext http, IGrainFactory grains, GridClock clock) => kind switch
    {
        "units" => new UnitRows(grains, http.Caller()),
        "cadres" => new CadreRows(grains, http.Caller(), clock),
        "members" => new MemberRows(grains, http.Caller(), clock),
        _ => new HouseholdRows(grains, http.Caller()),
    };

    private static async Task<Results<Ok<ImportReport>, ValidationProblem, ProblemHttpResult>> Import(string kind, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        // A spreadsheet is bigger than any JSON body: this route alone may send up to MaxFileBytes.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxFileBytes;
        }
        if (http.Request.ContentLength > MaxFileBytes)
        {
            return TypedResults.Problem(title: "File too large", detail: $"An import file may have at most {MaxFileBytes / 1024 / 1024} MB; split it.",
                statusCode: StatusCodes.Status413PayloadTooLarge, type: "https://gridactors.org/problems/too-large");
        }
        var (source, refused) = await Source(http);
        if (refused is not null)
        {
            return refused;
        }
        // The file is read twice from a temporary file: once to check it against the SheetLimits (and that it can
        // be read at all), then to import it. So a file past a limit, or broken after its thousandth row, is
        // refused whole before its first row is written. An XLSX must be spooled anyway (a zip's directory is at
        // its end); a CSV costs a second parse, small beside the writes.
        await using var spool = Spool(source!.Format);
        await source.Body.CopyToAsync(spool, http.RequestAborted);
        try
        {
            spool.Position = 0;
            await foreach (var _ in Read(source, spool, http.RequestAborted))
            {
            }
        }
        catch (SheetException e)
        {
            return Problems.Invalid("file", e.Message);
        }
        catch (DecoderFallbackException)
        {
            // Without this, the GB18030 bytes of a Chinese header decode to replacement characters, no header matches,
            // and the answer blames the first required column instead of the file's encoding.
            return Problems.Invalid("file", "is not UTF-8; send charset=gb18030 on the content type (text/csv; charset=gb18030) for a CSV "
                + "saved by Excel on Chinese Windows, or save it as \"CSV UTF-8\"");
        }
        spool.Position = 0;
        var sheet = Read(source, spool, http.RequestAborted);

        var importer = Importer(kind, http, grains, clock);
        var results = new ImportResults();
        string[]? columnOf = null;
        var ignored = new List<string>();
        string? stoppedAt = null;
        var count = 0;
        try
        {
            await foreach (var row in sheet)
            {
                if (columnOf is null)
                {
                    columnOf = new string[row.Cells.Count];
                    for (var i = 0; i < row.Cells.Count; i++)
                    {
                        var header = row.Cells[i]?.Trim() ?? "";
                        var column = importer.Columns.FirstOrDefault(c => header.Length > 0 && c.Matches(header));
                        if (column is not null && !columnOf.Contains(column.Name))
                        {
                            columnOf[i] = column.Name;
                        }
                        else if (header.Length > 0)
                        {
                            ignored.Add(header);
                        }
                    }
                    if (importer.Columns.FirstOrDefault(c => c.Required && !columnOf.Contains(c.Name)) is { } missing)
                    {
                        return Problems.Invalid(missing.Name, $"is a required column (header {string.Join(" or ", [missing.Name, .. missing.Aliases])}); the first row names the columns");
                    }
                    continue;
                }
                if (++count > MaxRows)
                {
                    stoppedAt = $"row {row.Number}: a file may have at most {MaxRows} rows; this row and the rest were not read";
                    break;
                }
                var values = new Dictionary<string, string?>(StringComparer.Ordinal);
                for (var i = 0; i < columnOf.Length && i < row.Cells.Count; i++)
                {
                    if (columnOf[i] is { } name)
                    {
                        values[name] = row.Cells[i];
                    }
                }
                await importer.Add(new ImportRow(row.Number, values), results);
            }
        }
        catch (SheetException e)
        {
            if (columnOf is null)
            {
                return Problems.Invalid("file", e.Message);
            }
            stoppedAt = e.Message;
        }
        if (columnOf is null)
        {
            return Problems.Invalid("file", "is empty: the first row names the columns");
        }
        await importer.Finish(results);
        return TypedResults.Ok(results.Report(kind, source.Format, ignored, stoppedAt));
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private sealed record FileSource(Stream Body, string Format, Encoding Encoding);

    private static IAsyncEnumerable<SheetRow> Read(FileSource source, FileStream spool, CancellationToken cancellationToken) =>
        source.Format == "xlsx" ? XlsxSheet.Read(spool, cancellationToken) : CsvSheet.Read(spool, source.Encoding, cancellationToken);

    /// <summary>Where the file is (the body, or the first file of a multipart form) and what it is (csv or xlsx).</summary>
    private static async Task<(FileSource?, ProblemHttpResult?)> Source(HttpContext http)
    {
        var requested = http.Request.Query["format"].ToString();
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type))
        {
            return (null, Unsupported(http.Request.ContentType));
        }
        Stream body = http.Request.Body;
        var name = "";
        if (type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
            {
                return (null, Unsupported(http.Request.ContentType));
            }
            var reader = new MultipartReader(boundary, http.Request.Body);
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(http.RequestAborted)) is not null)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition())
                {
                    break;
                }
            }
            if (section is null)
            {
                return (null, TypedResults.Problem(title: "No file", detail: "The multipart form holds no file.", statusCode: StatusCodes.Status400BadRequest,
                    type: "https://gridactors.org/problems/validation"));
            }
            ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var file);
            name = HeaderUtilities.RemoveQuotes(file?.FileNameStar.HasValue == true ? file.FileNameStar : file?.FileName ?? "").Value ?? "";
            body = section.Body;
            MediaTypeHeaderValue.TryParse(section.ContentType ?? "application/octet-stream", out type);
        }
        var media = type?.MediaType.Value?.ToLowerInvariant() ?? "";
        var format = requested is "csv" or "xlsx" ? requested
            : media is "text/csv" or "application/csv" or "text/plain" || name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "csv"
            : media == XlsxType || name.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) ? "xlsx"
            : null;
        if (format is null)
        {
            return (null, Unsupported(http.Request.ContentType));
        }
        // UTF-8 unless the sender names another charset, and strictly so: bytes that are not UTF-8 fail the check of the
        // file rather than being read as replacement characters.
        Encoding encoding = StrictUtf8;
        if (type?.Charset.Value is { Length: > 0 } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset);
                if (encoding.CodePage == StrictUtf8.CodePage)
                {
                    encoding = StrictUtf8;
                }
            }
            catch (ArgumentException)
            {
                return (null, TypedResults.Problem(title: "Unknown charset", detail: $"charset {charset} is not known; send UTF-8 or GB18030.",
                    statusCode: StatusCodes.Status415UnsupportedMediaType, type: "https://gridactors.org/problems/unsupported-media-type"));
            }
        }
        return (new FileSource(body, format, encoding), null);
    }

    private static ProblemHttpResult Unsupported(string? contentType) =>
        TypedResults.Problem(title: "Unsupported file type",
            detail: $"Send text/csv, {XlsxType} or a multipart form with a .csv or .xlsx file (got {contentType ?? "no content type"}).",
            statusCode: StatusCodes.Status415UnsupportedMediaType, type: "https://gridactors.org/problems/unsupported-media-type");

    /// <summary>A temporary file that deletes itself, on disk so that a file of 50 MB is never held in memory.</summary>
    private static FileStream Spool(string format) => new(Path.Combine(Path.GetTempPath(), $"gridactors-import-{Guid.NewGuid():N}.{format}"),
        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
}

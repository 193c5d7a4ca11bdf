using System.Security.Cryptography;
using GridActors.Gateway.Access;
using GridActors.Gateway.Files;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Issues;
using GridActors.Grains.Validation;
using GridActors.Grains.Vocabulary;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridActors.Gateway.Apis;

/// <summary>
/// Evidence files of issues (证据文件: 照片、图纸、证明) kept by the service: multipart and resumable uploads, checked by
/// content and stripped of location metadata before they are stored, read back within the issue's jurisdiction, and
/// time-limited signed links for apps. docs/files.md.
/// </summary>
public static class FilesApi
{
    /// <summary>How long a resumable upload may take before it is dropped.</summary>
    public static readonly TimeSpan UploadLifetime = TimeSpan.FromHours(24);

    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Files");
        api.MapPost("/issues/{id}/files", UploadFiles)
            .RequireRole(Roles.Reporter)
            .DisableAntiforgery()
            .Accepts<IFormFileCollection>("multipart/form-data")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .Produces<Attachment[]>(StatusCodes.Status201Created)
            .HonoursIdempotencyKey()
            .WithName("UploadIssueFiles")
            .WithSummary("Upload evidence files to an issue")
            .WithDescription("证据上传: multipart/form-data with one or more files (at most 5), and optional fields kind (photo | drawing | certificate | other), "
                + "caption and useLocation=true (the issue takes a photo's GPS position when it has no location). Types by content: JPEG, PNG, WebP, PDF; "
                + "location metadata (Exif, XMP, IPTC) is removed before storing; the server computes the SHA-256.");
        api.MapPost("/uploads", CreateUpload)
            .RequireRole(Roles.Reporter)
            .Produces<UploadCreated>(StatusCodes.Status201Created)
            .HonoursIdempotencyKey()
            .WithName("CreateUpload")
            .WithSummary("Start a resumable upload")
            .WithDescription("断点续传: answers the upload's id, its byte limit and its address; send the bytes with PATCH and Upload-Offset, ask HEAD for the offset, then attach it with POST /issues/{id}/files/from-upload.");
        api.MapMethods("/uploads/{id}", [HttpMethods.Head], UploadOffset)
            .RequireRole(Roles.Reporter)
            .Produces(StatusCodes.Status204NoContent)
            .WithName("GetUploadOffset")
            .WithSummary("How many bytes of an upload arrived (Upload-Offset)");
        api.MapPatch("/uploads/{id}", AppendUpload)
            .RequireRole(Roles.Reporter)
            .Accepts<byte[]>("application/offset+octet-stream")
            .Produces(StatusCodes.Status204NoContent)
            .WithName("AppendUpload")
            .WithSummary("Append bytes to a resumable upload at Upload-Offset")
            .WithDescription("续传: the Upload-Offset header must equal the bytes already received (else 409 with the offset); answers 204 with the new Upload-Offset.");
        api.MapPost("/issues/{id}/files/from-upload", AttachUpload)
            .RequireRole(Roles.Reporter)
            .Produces<Attachment[]>(StatusCodes.Status201Created)
            .HonoursIdempotencyKey()
            .WithName("AttachUpload")
            .WithSummary("Attach a completed resumable upload to an issue")
            .WithDescription("附加续传文件: checks the upload like a multipart file (type, size, whole), stores it and removes the upload.");
        api.MapGet("/issues/{id}/files/{fileId}", (string id, string fileId, HttpContext http, IGrainFactory grains, IEvidenceStore store, GridClock clock) =>
                Download(id, fileId, http, grains, store, clock, thumbnail: false))
            .WithName("DownloadIssueFile")
            .WithSummary("Download an issue's evidence file")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .WithDescription("证据下载: the file as stored (without location metadata), within the issue's jurisdiction (else 404); the read is recorded in the audit log.");
        api.MapGet("/issues/{id}/files/{fileId}/thumbnail", (string id, string fileId, HttpContext http, IGrainFactory grains, IEvidenceStore store, GridClock clock) =>
                Download(id, fileId, http, grains, store, clock, thumbnail: true))
            .WithName("DownloadIssueFileThumbnail")
            .WithSummary("A thumbnail of an issue's photo (JPEG, 320 px long side)")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .WithDescription("缩略图: within the issue's jurisdiction (else 404, and 404 for a PDF); recorded in the audit log.");
        api.MapGet("/issues/{id}/files/{fileId}/link", Link)
            .WithName("LinkIssueFile")
            .WithSummary("A time-limited link to an issue's file")
            .Produces<FileLink>()
            .WithDescription("限时链接: a signed address that works without a key until expiresAt; making it is recorded in the audit log as the read.");
        return endpoints;
    }

    /// <summary>
    /// The signed download, needing no key: mapped in the public group, under /public/ like every address that needs none,
    /// so a proxy or firewall rule for keyless addresses covers it.
    /// </summary>
    public static IEndpointRouteBuilder MapSignedFiles(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(FileLinks.SignedPrefix + "/{id}/{fileId}", SignedDownload)
            .WithTags("Files")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .WithName("DownloadSignedIssueFile")
            .WithSummary("Download an issue's file through a signed link")
            .WithDescription("限时下载: no key; expires and sig as the link gave them; an expired or altered link answers 403.");
        return endpoints;
    }

    public sealed record UploadCreated(Guid Id, long Limit, long Offset, string Location, DateTimeOffset ExpiresAt);

    public sealed record AttachUploadInput(string? UploadId, string? Kind, string? Caption, bool? UseLocation);

    public sealed record FileLink(string Url, DateTimeOffset ExpiresAt);

    private sealed record Checked(EvidenceType Type, byte[] Content, string Sha256, (double Lat, double Long)? Gps, byte[]? Thumbnail);

    private static async Task<IResult> UploadFiles(string id, HttpContext http, IGrainFactory grains, IEvidenceStore store, FileSettings settings, GridClock clock)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            // Several files of up to MaxBytes each, and the form around them.
            bodyLimit.MaxRequestBodySize = settings.MaxBytes * FileSettings.MaxFilesPerRequest + 64 * 1024;
        }
        var (issueId, issue, notFound) = await ReadableIssue(id, http, grains);
        if (notFound is not null)
        {
            return notFound;
        }
        if (!http.Request.HasFormContentType)
        {
            return TypedResults.Problem(title: "Unsupported media type", detail: "Send the files as multipart/form-data (field files).",
                statusCode: StatusCodes.Status415UnsupportedMediaType, type: ProblemTypes.UnsupportedMediaType);
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var errors = new ValidationErrors();
        if (form.Files.Count == 0)
        {
            errors.Add("files", "is required: one or more files as multipart/form-data");
        }
        else if (form.Files.Count > FileSettings.MaxFilesPerRequest)
        {
            errors.Add("files", $"must be at most {FileSettings.MaxFilesPerRequest} files in one request");
        }
        var options = Options(errors, form["kind"], form["caption"], form["useLocation"] is { Count: > 0 } use ? use.ToString() : null);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var files = new List<Checked>();
        for (var i = 0; i < form.Files.Count; i++)
        {
            var file = form.Files[i];
            if (file.Length > settings.MaxBytes)
            {
                return TooLarge($"files[{i}]", settings);
            }
            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, http.RequestAborted);
            var (ok, refused) = Check($"files[{i}]", buffer.ToArray(), settings);
            if (refused is not null)
            {
                return refused;
            }
            files.Add(ok!);
        }
        return await Attach(issueId, issue!, files, options, http, grains, store, clock);
    }

    private static async Task<IResult> Attach(Guid issueId, IssueView issue, List<Checked> files,
        (AttachmentKind? Kind, string? Caption, bool UseLocation) options, HttpContext http, IGrainFactory grains, IEvidenceStore store, GridClock clock)
    {
        if (issue.Attachments.Count + files.Count > IssueInput.MaxAttachments)
        {
            return Problems.Invalid("files", $"an issue holds at most {IssueInput.MaxAttachments} attachments; it has {issue.Attachments.Count}");
        }
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > IssuesApi.MaxIdempotencyKey || key.Any(char.IsControl))
        {
            return Problems.Invalid("Idempotency-Key", $"must be at most {IssuesApi.MaxIdempotencyKey} printable characters");
        }
        var attachments = new List<Attachment>();
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            // Stored only now, after every file of the request passed every check.
            await store.Put(file.Sha256, file.Content, http.RequestAborted);
            var thumbnailSha = file.Thumbnail is null ? null : Sha(file.Thumbnail);
            if (file.Thumbnail is not null)
            {
                await store.Put(thumbnailSha!, file.Thumbnail, http.RequestAborted);
            }
            // With an Idempotency-Key the ids follow from it, so a retry names the same files and the issue keeps one copy.
            var fileId = key.Length == 0 ? Guid.CreateVersion7() : IssuesApi.IdFromKey($"{issueId}/files/{i}", PartyApiSupport.ScopedToCaller(http, key));
            var kind = options.Kind ?? (file.Type == EvidenceType.Pdf ? AttachmentKind.Certificate : AttachmentKind.Photo);
            attachments.Add(new Attachment(kind, FileLinks.Path(issueId, fileId), file.Sha256, options.Caption, fileId, EvidenceContent.MediaType(file.Type), file.Content.LongLength, thumbnailSha));
        }
        var outcome = await grains.GetGrain<IIssueGrain>(issueId).AttachFiles(attachments);
        if (outcome.Status == IssueOutcomeStatus.IdempotencyMismatch)
        {
            return TypedResults.Problem(title: "Idempotency-Key reused", detail: $"The Idempotency-Key {outcome.Message}.",
                statusCode: StatusCodes.Status422UnprocessableEntity, type: ProblemTypes.IdempotencyKeyReused);
        }
        if (!outcome.Created && outcome.Status == IssueOutcomeStatus.Done)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }
        if (outcome.Status == IssueOutcomeStatus.Invalid)
        {
            return Problems.Invalid("files", outcome.Message!);
        }
        if (outcome.Status != IssueOutcomeStatus.Done)
        {
            return Problems.NotFound($"No issue {issueId} exists.");
        }
        if (options.UseLocation && files.Select(f => f.Gps).FirstOrDefault(g => g is not null) is { } gps)
        {
            await grains.GetGrain<IIssueGrain>(issueId).LocateIfUnknown(new IssueLocation(Math.Round(gps.Lat, 6), Math.Round(gps.Long, 6), null));
        }
        return TypedResults.Created($"/api/v1/issues/{issueId}", attachments);
    }

    private static (AttachmentKind? Kind, string? Caption, bool UseLocation) Options(ValidationErrors errors, string? kindText, string? captionText, string? useText)
    {
        AttachmentKind? kind = null;
        if (!string.IsNullOrEmpty(kindText))
        {
            if (EnumNames.TryParse<AttachmentKind>(kindText, out var parsed))
            {
                kind = parsed;
            }
            else
            {
                errors.Add("kind", EnumNames.Rule<AttachmentKind>(kindText));
            }
        }
        var caption = Rules.OptionalText(errors, "caption", string.IsNullOrEmpty(captionText) ? null : captionText, 200);
        var use = false;
        if (useText is not null && !bool.TryParse(useText, out use))
        {
            errors.Add("useLocation", "must be true or false");
        }
        return (kind, caption, use);
    }

    /// <summary>The checks of one file, by its content: type, size, whole; then the copy without location metadata.</summary>
    private static (Checked? Ok, IResult? Refused) Check(string field, byte[] content, FileSettings settings)
    {
        if (content.LongLength > settings.MaxBytes)
        {
            return (null, TooLarge(field, settings));
        }
        if (EvidenceContent.Sniff(content) is not { } type || !settings.AllowedTypes.Contains(type))
        {
            return (null, TypedResults.Problem(title: "File type not allowed",
                detail: $"{field}: the file's content is not an allowed type; allowed are {settings.AllowedNames} (judged by the bytes, not the name).",
                statusCode: StatusCodes.Status415UnsupportedMediaType, type: ProblemTypes.UnsupportedMediaType,
                extensions: new Dictionary<string, object?> { ["field"] = field, ["allowedTypes"] = settings.AllowedTypes.Select(EvidenceContent.MediaType).ToArray() }));
        }
        if (EvidenceContent.Corruption(type, content) is { } corrupt)
        {
            return (null, Problems.Invalid(field, $"must be a whole {EvidenceContent.Name(type)} file: {corrupt}"));
        }
        var gps = type == EvidenceType.Jpeg ? EvidenceContent.JpegGps(content) : null;
        var stripped = EvidenceContent.WithoutLocation(type, content);
        byte[]? thumbnail = null;
        if (type != EvidenceType.Pdf && (thumbnail = Thumbnails.Make(stripped)) is null)
        {
            return (null, Problems.Invalid(field, $"must be a whole {EvidenceContent.Name(type)} image: its pixels cannot be decoded"));
        }
        return (new Checked(type, stripped, Sha(stripped), gps, thumbnail), null);
    }

    private static string Sha(byte[] content) => Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();

    private static ProblemHttpResult TooLarge(string field, FileSettings settings) =>
        TypedResults.Problem(title: "File too large", detail: $"{field}: a file may have at most {settings.MaxBytes} bytes.",
            statusCode: StatusCodes.Status413PayloadTooLarge, type: ProblemTypes.TooLarge,
            extensions: new Dictionary<string, object?> { ["field"] = field, ["limit"] = settings.MaxBytes });

    private static async Task<(Guid Id, IssueView? Issue, IResult? NotFound)> ReadableIssue(string id, HttpContext http, IGrainFactory grains)
    {
        if (!Guid.TryParse(id, out var issueId))
        {
            return (default, null, Problems.Invalid("id", "must be an issue id (a GUID)"));
        }
        var issue = await grains.GetGrain<IIssueGrain>(issueId).Get();
        // Outside the caller's jurisdiction the issue and its files do not exist for them.
        return issue is null || !AccessRules.CanRead(http, issue.OriginGrid, issue.Holder)
            ? (issueId, null, Problems.NotFound($"No issue {id} exists."))
            : (issueId, issue, null);
    }

    private static async Task<IResult> CreateUpload(HttpContext http, IEvidenceStore store, FileSettings settings, GridClock clock)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > IssuesApi.MaxIdempotencyKey || key.Any(char.IsControl))
        {
            return Problems.Invalid("Idempotency-Key", $"must be at most {IssuesApi.MaxIdempotencyKey} printable characters");
        }
        // Random, not time-ordered: the id is what lets a phone resume, so it must not be guessable. With an
        // Idempotency-Key it follows from the key scoped to the caller's key, which nobody else holds.
        var id = key.Length == 0 ? Guid.NewGuid() : IssuesApi.IdFromKey("uploads", PartyApiSupport.ScopedToCaller(http, key));
        var expires = clock.GetUtcNow() + UploadLifetime;
        if (key.Length > 0 && await store.UploadOffset(id, clock.GetUtcNow()) is { } existing)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Created($"/api/v1/uploads/{id}", new UploadCreated(id, existing.Limit, existing.Offset, $"/api/v1/uploads/{id}", expires));
        }
        await store.CreateUpload(id, settings.MaxBytes, expires);
        var location = $"/api/v1/uploads/{id}";
        return TypedResults.Created(location, new UploadCreated(id, settings.MaxBytes, 0, location, expires));
    }

    private static async Task<IResult> UploadOffset(string id, HttpContext http, IEvidenceStore store, GridClock clock)
    {
        if (!Guid.TryParse(id, out var uploadId) || await store.UploadOffset(uploadId, clock.GetUtcNow()) is not { } at)
        {
            return Problems.NotFound($"No upload {id} exists.");
        }
        http.Response.Headers["Upload-Offset"] = at.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["Upload-Length-Limit"] = at.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.NoContent();
    }

    private static async Task<IResult> AppendUpload(string id, HttpContext http, IEvidenceStore store, FileSettings settings, GridClock clock)
    {
        if (!Guid.TryParse(id, out var uploadId) || await store.UploadOffset(uploadId, clock.GetUtcNow()) is not { } at)
        {
            return Problems.NotFound($"No upload {id} exists.");
        }
        if (!long.TryParse(http.Request.Headers["Upload-Offset"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var offset))
        {
            return Problems.Invalid("Upload-Offset", "is required: the number of bytes already received (ask HEAD)");
        }
        if (http.Request.ContentType is not "application/offset+octet-stream")
        {
            return TypedResults.Problem(title: "Unsupported media type", detail: "Send the bytes as application/offset+octet-stream.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, type: ProblemTypes.UnsupportedMediaType);
        }
        if (offset != at.Offset)
        {
            return Problems.Conflict("Upload-Offset does not match", $"Upload-Offset must be {at.Offset}, the bytes received so far.",
                new Dictionary<string, object?> { ["field"] = "Upload-Offset", ["offset"] = at.Offset });
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = at.Limit - at.Offset + 1;
        }
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        if (at.Offset + buffer.Length > at.Limit)
        {
            return TooLarge("upload", settings);
        }
        if (await store.Append(uploadId, offset, buffer.ToArray(), http.RequestAborted) is not { } now)
        {
            return Problems.Conflict("Upload-Offset does not match", "Another request appended to the upload meanwhile; ask HEAD for the offset.",
                new Dictionary<string, object?> { ["field"] = "Upload-Offset" });
        }
        http.Response.Headers["Upload-Offset"] = now.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> AttachUpload(string id, AttachUploadInput body, HttpContext http, IGrainFactory grains, IEvidenceStore store, FileSettings settings, GridClock clock)
    {
        var (issueId, issue, notFound) = await ReadableIssue(id, http, grains);
        if (notFound is not null)
        {
            return notFound;
        }
        var errors = new ValidationErrors();
        if (!Guid.TryParse(body.UploadId, out var uploadId))
        {
            errors.Add("uploadId", "is required: the id POST /api/v1/uploads answered");
        }
        var options = Options(errors, body.Kind, body.Caption, body.UseLocation?.ToString());
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await store.UploadOffset(uploadId, clock.GetUtcNow()) is null || await store.ReadUpload(uploadId) is not { } content)
        {
            return Problems.Invalid("uploadId", "must name an upload that exists and has not expired");
        }
        var (ok, refused) = Check("uploadId", content, settings);
        // A refused upload is dropped too: nothing of it stays.
        await store.DeleteUpload(uploadId);
        return refused ?? await Attach(issueId, issue!, [ok!], options, http, grains, store, clock);
    }

    private static async Task<IResult> Download(string id, string fileId, HttpContext http, IGrainFactory grains, IEvidenceStore store, GridClock clock, bool thumbnail)
    {
        var (issueId, issue, notFound) = await ReadableIssue(id, http, grains);
        if (notFound is not null)
        {
            return notFound;
        }
        var sha = File(issue!, fileId) is { } attachment ? (thumbnail ? attachment.ThumbnailSha256 : attachment.Sha256) : null;
        if (sha is null || await store.Get(sha) is not { } content)
        {
            return Problems.NotFound($"Issue {id} has no {(thumbnail ? "thumbnail of file" : "file")} {fileId}.");
        }
        // A resident's evidence is personal data: who read it is recorded before it is sent.
        await AuditLog.Record(grains, http, clock.GetUtcNow(), $"issue {issueId} file {fileId}{(thumbnail ? " thumbnail" : "")}", issue!.OriginGrid);
        http.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(content, thumbnail ? "image/jpeg" : File(issue, fileId)!.ContentType);
    }

    private static async Task<IResult> Link(string id, string fileId, HttpContext http, IGrainFactory grains, FileLinks links, FileSettings settings, GridClock clock)
    {
        var (issueId, issue, notFound) = await ReadableIssue(id, http, grains);
        if (notFound is not null)
        {
            return notFound;
        }
        if (File(issue!, fileId) is not { } attachment)
        {
            return Problems.NotFound($"Issue {id} has no file {fileId}.");
        }
        var now = clock.GetUtcNow();
        var expires = DateTimeOffset.FromUnixTimeSeconds((now + settings.LinkLifetime).ToUnixTimeSeconds());
        // Whoever holds the link reads without a key, so the key that made it is the reader the log names.
        await AuditLog.Record(grains, http, now, $"issue {issueId} file {attachment.FileId} (signed link until {expires:O})", issue!.OriginGrid);
        return TypedResults.Ok(new FileLink(links.Signed(issueId, attachment.FileId!.Value, expires), expires));
    }

    private static async Task<IResult> SignedDownload(string id, string fileId, string? expires, string? sig, IGrainFactory grains, IEvidenceStore store, FileLinks links, GridClock clock, HttpContext http)
    {
        if (!Guid.TryParse(id, out var issueId) || !Guid.TryParse(fileId, out var file)
            || !long.TryParse(expires, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var at)
            || sig is null || !links.Verify(issueId, file, at, sig))
        {
            return Problems.Forbidden("expires and sig must be those of a link this service made (GET .../files/{fileId}/link).");
        }
        if (at <= clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return Problems.Forbidden("The link expired; ask for a new one.");
        }
        var issue = await grains.GetGrain<IIssueGrain>(issueId).Get();
        if (issue is null || File(issue, fileId) is not { } attachment || await store.Get(attachment.Sha256!) is not { } content)
        {
            return Problems.NotFound($"Issue {id} has no file {fileId}.");
        }
        http.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(content, attachment.ContentType);
    }

    private static Attachment? File(IssueView issue, string fileId) =>
        Guid.TryParse(fileId, out var file) ? issue.Attachments.FirstOrDefault(a => a.FileId == file && a.Sha256 is not null) : null;
}

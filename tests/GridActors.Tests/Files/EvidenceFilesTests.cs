using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using GridActors.Gateway.Files;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Issues;
using SkiaSharp;

namespace GridActors.Tests.Files;

/// <summary>
/// Evidence files (证据文件) as a grid worker's phone and a county's handlers see them: uploaded to an issue, checked by
/// content, stripped of the photo's GPS, read back within the jurisdiction or through a signed link.
/// </summary>
public sealed class EvidenceFilesTests
{
    // 30°30'N 116°45'E (怀宁县), as a phone's camera writes it.
    private const double Lat = 30.5, Long = 116.75;

    private static (GatewayApp App, HttpClient Admin) Start(long? maxBytes = null)
    {
        var app = GatewayApp.OnSqlite();
        if (maxBytes is { } limit)
        {
            app.WithSetting("Files:MaxBytes", limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return (app, app.Start());
    }

    private static string FilesFolder(GatewayApp app) => Path.Combine(app.Settings["Storage:DataDirectory"]!, "files");

    private static MultipartFormDataContent Form(byte[] file, string name = "photo.jpg", string mediaType = "image/jpeg", bool useLocation = false)
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        form.Add(content, "files", name);
        if (useLocation)
        {
            form.Add(new StringContent("true"), "useLocation");
        }
        return form;
    }

    [Fact]
    public async Task Upload_JpegWithGps_IsStoredWithoutLocation_AndTheIssueTakesThePosition()
    {
        var (app, admin) = Start();
        await using var _ = app;
        await County.Create(admin);
        var issue = await IssueApi.Report(admin, County.Grid);
        var original = Photo.JpegWithGps(800, 600, Lat, Long);
        Assert.Equal((Lat, Long), EvidenceContent.JpegGps(original)); // the test photo really carries the position

        var response = await admin.PostAsync($"/api/v1/issues/{issue}/files", Form(original, useLocation: true));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var attachment = (await IssueApi.Get(admin, issue))["attachments"]!.AsArray().Single()!;
        Assert.Equal("photo", attachment["kind"].Str());
        Assert.Equal("image/jpeg", attachment["contentType"].Str());

        var download = await admin.GetAsync(attachment["url"].Str());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(attachment["sha256"].Str(), Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant());
        Assert.Equal(bytes.LongLength, attachment["size"]!.GetValue<long>());
        Assert.False(Photo.HasApp1(bytes), "the stored photo still has an APP1 (Exif/XMP) segment");
        Assert.Null(EvidenceContent.JpegGps(bytes));
        Assert.False(bytes.AsSpan().IndexOf(Photo.GpsMarker) >= 0, "the GPS block survives somewhere in the file");
        using (var decoded = SKBitmap.Decode(bytes))
        {
            Assert.Equal((800, 600), (decoded.Width, decoded.Height)); // the pixels are the camera's, not re-encoded smaller
        }

        var thumbnail = await admin.GetAsync(attachment["url"].Str() + "/thumbnail");
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType?.MediaType);
        var small = await thumbnail.Content.ReadAsByteArrayAsync();
        using (var decoded = SKBitmap.Decode(small))
        {
            Assert.Equal((320, 240), (decoded.Width, decoded.Height));
        }
        Assert.Null(EvidenceContent.JpegGps(small));

        var location = (await IssueApi.Get(admin, issue))["location"]!;
        Assert.Equal(Lat, location["lat"]!.GetValue<double>(), 5);
        Assert.Equal(Long, location["long"]!.GetValue<double>(), 5);
    }

    [Fact]
    public async Task Upload_RetriedWithTheSameIdempotencyKey_AttachesOnce()
    {
        var (app, admin) = Start();
        await using var _ = app;
        await County.Create(admin);
        var issue = await IssueApi.Report(admin, County.Grid);
        var photo = Photo.JpegWithGps(64, 48, Lat, Long);
        async Task<HttpResponseMessage> Send(byte[] file)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/issues/{issue}/files") { Content = Form(file) };
            request.Headers.Add("Idempotency-Key", "photo-1");
            return await admin.SendAsync(request);
        }
        Assert.Equal(HttpStatusCode.Created, (await Send(photo)).StatusCode);
        var again = await Send(photo);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        await (await Send(Photo.JpegWithGps(32, 24, Lat, Long))).AssertProblem(422);
        Assert.Single((await IssueApi.Get(admin, issue))["attachments"]!.AsArray());
    }

    [Fact]
    public async Task Upload_WithoutUseLocation_LeavesTheIssueWithoutLocation()
    {
        var (app, admin) = Start();
        await using var _ = app;
        await County.Create(admin);
        var issue = await IssueApi.Report(admin, County.Grid);
        var response = await admin.PostAsync($"/api/v1/issues/{issue}/files", Form(Photo.JpegWithGps(64, 48, Lat, Long)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Null((await IssueApi.Get(admin, issue))["location"]);
    }

    [Fact]
    public async Task RefusedUploads_AnswerTheRule_AndStoreNothing()
    {
        var (app, admin) = Start(maxBytes: 40_000);
        await using var _ = app;
        await County.Create(admin);
        var issue = await IssueApi.Report(admin, County.Grid);

        var tooLarge = await admin.PostAsync($"/api/v1/issues/{issue}/files", Form(Photo.Noise(60_000)));
        await tooLarge.AssertProblem(413, "40000 bytes");
        Assert.Equal(40_000, (await tooLarge.Json())["limit"]!.GetValue<long>());

        // A text file named like a photo is judged by its bytes.
        var notAllowed = await admin.PostAsync($"/api/v1/issues/{issue}/files", Form("这不是照片"u8.ToArray(), "photo.jpg"));
        await notAllowed.AssertProblem(415, "image/jpeg, image/png, image/webp, application/pdf");
        Assert.Equal("files[0]", (await notAllowed.Json())["field"].Str());

        var photo = Photo.JpegWithGps(200, 150, Lat, Long);
        var truncated = await admin.PostAsync($"/api/v1/issues/{issue}/files", Form(photo[..(photo.Length * 2 / 3)]));
        await truncated.AssertInvalid("files[0]", "truncated");

        // A good file beside a bad one: the request is refused whole.
        var mixed = Form(Photo.JpegWithGps(64, 48, Lat, Long));
        mixed.Add(new ByteArrayContent(photo[..100]), "files", "second.jpg");
        await (await admin.PostAsync($"/api/v1/issues/{issue}/files", mixed)).AssertInvalid("files[1]", "truncated");

        Assert.False(Directory.Exists(FilesFolder(app)) && Directory.EnumerateFiles(FilesFolder(app), "*", SearchOption.AllDirectories).Any(),
            "a refused upload left a file in the data folder");
        var read = await IssueApi.Get(admin, issue);
        Assert.Empty(read["attachments"]!.AsArray());
        Assert.Null(read["location"]);
    }

    [Fact]
    public async Task ResumableUpload_InThreeParts_IsAttachedWhole()
    {
        var (app, admin) = Start();
        await using var _ = app;
        await County.Create(admin);
        var issue = await IssueApi.Report(admin, County.Grid);
        var photo = Photo.JpegWithGps(400, 300, Lat, Long);

        var created = await admin.PostAsync("/api/v1/uploads", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var upload = await created.Json();
        Assert.Equal(10 * 1024 * 1024, upload["limit"]!.GetValue<long>());
        var location = upload["location"].Str();

        var cuts = new[] { 0, photo.Length / 3, photo.Length * 2 / 3, photo.Length };
        for (var part = 0; part < 3; part++)
        {
            Assert.Equal(cuts[part], await Offset(admin, location));
            Assert.Equal(HttpStatusCode.NoContent, (await Patch(admin, location, cuts[part], photo[cuts[part]..cuts[part + 1]])).StatusCode);
            if (part == 0)
            {
                // The phone lost the answer and sends the first part again: refused, nothing appended twice.
                var again = await Patch(admin, location, 0, photo[..cuts[1]]);
                await again.AssertProblem(409, $"must be {cuts[1]}");
            }
        }
        Assert.Equal(photo.Length, await Offset(admin, location));

        var attached = await admin.PostJson($"/api/v1/issues/{issue}/files/from-upload", $$"""{"uploadId":"{{upload["id"].Str()}}","kind":"drawing"}""");
        Assert.True(attached.StatusCode == HttpStatusCode.Created, await attached.Content.ReadAsStringAsync());
        var attachment = (await IssueApi.Get(admin, issue))["attachments"]!.AsArray().Single()!;
        Assert.Equal("drawing", attachment["kind"].Str());
        var bytes = await admin.GetByteArrayAsync(attachment["url"].Str());
        Assert.Equal(attachment["sha256"].Str(), Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant());
        Assert.Null(EvidenceContent.JpegGps(bytes));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.SendAsync(new HttpRequestMessage(HttpMethod.Head, location))).StatusCode);
    }

    [Fact]
    public async Task Reads_OutsideTheJurisdiction_AreNotFound_SignedLinksExpire_AndReadsAreAudited()
    {
        var (app, admin) = Start();
        await using var _ = app;
        await County.Create(admin);
        Assert.True((await admin.PutJson("/api/v1/counties/340823", """{"name":"潜山市"}""")).IsSuccessStatusCode);
        var issue = await IssueApi.Report(admin, County.Grid);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync($"/api/v1/issues/{issue}/files", Form(Photo.JpegWithGps(64, 48, Lat, Long)))).StatusCode);
        var url = (await IssueApi.Get(admin, issue))["attachments"]!.AsArray().Single()!["url"].Str();

        var mine = app.ClientWith(await Key(admin, County.Code));
        var other = app.ClientWith(await Key(admin, "340823"));
        Assert.Equal(HttpStatusCode.OK, (await mine.GetAsync(url)).StatusCode);
        await (await other.GetAsync(url)).AssertProblem(404);
        await (await other.GetAsync(url + "/thumbnail")).AssertProblem(404);
        await (await other.GetAsync(url + "/link")).AssertProblem(404);

        var link = await mine.GetJson(url + "/link");
        var anonymous = app.ClientWith(null);
        var signed = await anonymous.GetAsync(link["url"].Str());
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal("image/jpeg", signed.Content.Headers.ContentType?.MediaType);
        // Pointed at a later expiry, the signature no longer fits.
        var stretched = link["url"].Str().Replace("expires=", "expires=9", StringComparison.Ordinal);
        Assert.StartsWith("/public/v1/issue-files/", link["url"].Str(), StringComparison.Ordinal);
        await (await anonymous.GetAsync(stretched)).AssertProblem(403);
        await (await anonymous.GetAsync(url)).AssertProblem(401);

        app.Clock.Advance(TimeSpan.FromMinutes(61));
        await (await anonymous.GetAsync(link["url"].Str())).AssertProblem(403, "expired");

        var audit = await admin.GetJson($"/api/v1/audit?county={County.Code}&date=2026-03-02");
        var reads = audit["items"]!.AsArray().Select(e => e!["what"].Str()).Where(w => w.Contains(" file ", StringComparison.Ordinal)).ToArray();
        // The download and the link made with county A's key; the refused reads of the other county's key are none.
        Assert.Equal(2, reads.Length);
        Assert.Contains(reads, r => r.Contains("signed link", StringComparison.Ordinal));
    }

    private static async Task<string> Key(HttpClient admin, string jurisdiction)
    {
        var response = await admin.PostJson("/api/v1/keys", $$"""{"app":"files-app","jurisdiction":"{{jurisdiction}}","roles":["reader"]}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Json())["secret"].Str();
    }

    private static async Task<long> Offset(HttpClient http, string location)
    {
        var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, location));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task<HttpResponseMessage> Patch(HttpClient http, string location, long offset, byte[] part)
    {
        var content = new ByteArrayContent(part);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = content };
        request.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return http.SendAsync(request);
    }
}

/// <summary>Photos made for the tests: a JPEG encoded by SkiaSharp with an Exif GPS block as a phone's camera writes it.</summary>
internal static class Photo
{
    /// <summary>The GPS IFD's version tag (0x0000, type BYTE, count 4, 2.2.0.0) as written big-endian: found only in a GPS block.</summary>
    public static readonly byte[] GpsMarker = [0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 0x02, 0x02, 0x00, 0x00];

    public static byte[] Jpeg(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 255 / width), (byte)(y * 255 / height), 90));
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    public static byte[] JpegWithGps(int width, int height, double lat, double lon)
    {
        var jpeg = Jpeg(width, height);
        var exif = Exif(lat, lon);
        var segment = new byte[4 + exif.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(exif.Length + 2));
        exif.CopyTo(segment, 4);
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>A JPEG start followed by random bytes: too large before anything looks at it.</summary>
    public static byte[] Noise(int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;
        return bytes;
    }

    public static bool HasApp1(byte[] jpeg)
    {
        var at = 2;
        while (at + 4 <= jpeg.Length && jpeg[at] == 0xFF && jpeg[at + 1] != 0xDA)
        {
            if (jpeg[at + 1] == 0xE1)
            {
                return true;
            }
            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
        }
        return false;
    }

    // "Exif\0\0", a big-endian TIFF header, IFD0 with one entry (the GPS IFD pointer), and the GPS IFD with version,
    // N, latitude, E, longitude; each position three rationals (degrees, minutes, seconds).
    private static byte[] Exif(double lat, double lon)
    {
        var tiff = new List<byte>();
        void U16(int v) => tiff.AddRange([(byte)(v >> 8), (byte)v]);
        void U32(long v) => tiff.AddRange([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
        void Entry(int tag, int type, int count, long value) { U16(tag); U16(type); U32(count); U32(value); }
        tiff.AddRange("MM"u8.ToArray());
        U16(42);
        U32(8);
        // IFD0 at 8: one entry, next IFD 0 → 8 + 2 + 12 + 4 = 26, the GPS IFD.
        U16(1);
        Entry(0x8825, 4, 1, 26);
        U32(0);
        // GPS IFD at 26: five entries → data after 26 + 2 + 60 + 4 = 92.
        U16(5);
        tiff.AddRange(GpsMarker);
        Entry(1, 2, 2, 'N' << 24);
        Entry(2, 5, 3, 92);
        Entry(3, 2, 2, 'E' << 24);
        Entry(4, 5, 3, 92 + 24);
        U32(0);
        foreach (var value in new[] { lat, lon })
        {
            var degrees = (int)value;
            var minutes = (int)((value - degrees) * 60);
            var seconds = (value - degrees - minutes / 60.0) * 3600;
            U32(degrees); U32(1); U32(minutes); U32(1); U32((long)Math.Round(seconds * 100)); U32(100);
        }
        return [.. "Exif\0\0"u8.ToArray(), .. tiff];
    }
}

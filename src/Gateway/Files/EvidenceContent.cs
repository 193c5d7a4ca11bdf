using System.Buffers.Binary;
using System.Text;

namespace GridActors.Gateway.Files;

/// <summary>The kinds of evidence file the service keeps, known by their first bytes, never by the file's name.</summary>
public enum EvidenceType
{
    Jpeg,
    Png,
    WebP,
    Pdf,
}

/// <summary>What a file turned out to be: its type, or why it is refused (the rule, for a 400 or 415).</summary>
public readonly record struct EvidenceCheck(EvidenceType? Type, string? Corrupt)
{
    public bool IsKnown => Type is not null;
}

/// <summary>
/// Reading evidence files by hand, without decoding them: the type from the magic bytes, a structural check that the
/// file is whole (a photo cut off on a weak connection is refused, not stored as a grey half-image), the GPS position
/// of a photo, and a copy without location metadata.
/// </summary>
/// <remarks>
/// Stripping works on the container (JPEG segments, PNG and WebP chunks) rather than by decoding and encoding again: the
/// pixels of evidence stay exactly as the camera wrote them (a re-encode would lose quality and change what a handler
/// judges), and no image codec parses residents' bytes before the checks pass. What goes: JPEG APP1 (Exif and XMP, both
/// may carry GPS) and APP13 (IPTC, may name places); PNG eXIf and text chunks (XMP and Exif travel in iTXt/zTXt); WebP
/// EXIF and XMP chunks. The orientation tag goes with Exif, so a viewer may show a photo turned; that is the price of
/// removing every position the camera recorded. PDF documents are kept as sent: they are certificates and drawings
/// (证明、图纸), not photos.
/// </remarks>
public static class EvidenceContent
{
    public static string MediaType(EvidenceType type) => type switch
    {
        EvidenceType.Jpeg => "image/jpeg",
        EvidenceType.Png => "image/png",
        EvidenceType.WebP => "image/webp",
        _ => "application/pdf",
    };

    public static string Name(EvidenceType type) => type.ToString().ToLowerInvariant();

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The type of <paramref name="data"/> by its magic bytes; null when it is none of the kept kinds.</summary>
    public static EvidenceType? Sniff(ReadOnlySpan<byte> data) =>
        data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF ? EvidenceType.Jpeg
        : data.StartsWith(PngSignature) ? EvidenceType.Png
        : data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8) ? EvidenceType.WebP
        : data.StartsWith("%PDF-"u8) ? EvidenceType.Pdf
        : null;

    /// <summary>Null when the file of <paramref name="type"/> is whole; otherwise what is wrong with it.</summary>
    public static string? Corruption(EvidenceType type, ReadOnlySpan<byte> data) => type switch
    {
        EvidenceType.Jpeg => JpegSegments(data, null),
        EvidenceType.Png => PngChunks(data, null),
        EvidenceType.WebP => WebPChunks(data, null),
        _ => data.Length > 5 && data[Math.Max(0, data.Length - 1024)..].IndexOf("%%EOF"u8) >= 0 ? null : "the PDF ends before its %%EOF marker (truncated)",
    };

    /// <summary>A copy of a whole file without its location metadata (see the remarks); PDF unchanged.</summary>
    public static byte[] WithoutLocation(EvidenceType type, byte[] data)
    {
        if (type == EvidenceType.Pdf)
        {
            return data;
        }
        using var output = new MemoryStream(data.Length);
        var problem = type switch
        {
            EvidenceType.Jpeg => JpegSegments(data, output),
            EvidenceType.Png => PngChunks(data, output),
            _ => WebPChunks(data, output),
        };
        if (problem is not null)
        {
            throw new InvalidDataException(problem);
        }
        if (type == EvidenceType.WebP)
        {
            var bytes = output.ToArray();
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(bytes.Length - 8));
            return bytes;
        }
        return output.ToArray();
    }

    // Walks the segments up to the scan, copying all but the metadata ones to output when given; the entropy-coded
    // scan and what follows it are copied whole, and must end with the EOI marker.
    private static string? JpegSegments(ReadOnlySpan<byte> data, Stream? output)
    {
        output?.Write(data[..2]);
        var at = 2;
        while (true)
        {
            if (at + 4 > data.Length)
            {
                return "the JPEG ends before its image data (truncated)";
            }
            if (data[at] != 0xFF)
            {
                return $"the JPEG has no segment marker at byte {at}";
            }
            var marker = data[at + 1];
            if (marker == 0xFF)
            {
                at++; // fill byte
                continue;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 2)..]);
            if (length < 2 || at + 2 + length > data.Length)
            {
                return "the JPEG ends inside a segment (truncated)";
            }
            if (marker == 0xDA)
            {
                var rest = data[at..];
                if (rest.Length < 4 || rest[^2] != 0xFF || rest[^1] != 0xD9)
                {
                    return "the JPEG's image data does not end with the EOI marker (truncated)";
                }
                output?.Write(rest);
                return null;
            }
            if (output is not null && marker is not (0xE1 or 0xED))
            {
                output.Write(data.Slice(at, 2 + length));
            }
            at += 2 + length;
        }
    }

    private static string? PngChunks(ReadOnlySpan<byte> data, Stream? output)
    {
        output?.Write(PngSignature);
        var at = PngSignature.Length;
        while (true)
        {
            if (at + 12 > data.Length)
            {
                return "the PNG ends before its IEND chunk (truncated)";
            }
            var length = BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
            if (length > int.MaxValue || at + 12 + (long)length > data.Length)
            {
                return "the PNG ends inside a chunk (truncated)";
            }
            var type = Encoding.ASCII.GetString(data.Slice(at + 4, 4));
            var whole = data.Slice(at, 12 + (int)length);
            if (output is not null && type is not ("eXIf" or "tEXt" or "zTXt" or "iTXt"))
            {
                output.Write(whole);
            }
            at += whole.Length;
            if (type == "IEND")
            {
                return null;
            }
        }
    }

    private static string? WebPChunks(ReadOnlySpan<byte> data, Stream? output)
    {
        var riffSize = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (riffSize + 8L != data.Length)
        {
            return "the WebP file's length is not the one its RIFF header gives (truncated)";
        }
        output?.Write(data[..12]);
        var at = 12;
        var image = false;
        while (at < data.Length)
        {
            if (at + 8 > data.Length)
            {
                return "the WebP file ends inside a chunk header (truncated)";
            }
            var type = Encoding.ASCII.GetString(data.Slice(at, 4));
            var length = BinaryPrimitives.ReadUInt32LittleEndian(data[(at + 4)..]);
            var padded = 8 + (long)length + (length & 1);
            if (at + padded > data.Length)
            {
                return "the WebP file ends inside a chunk (truncated)";
            }
            var whole = data.Slice(at, (int)padded);
            image |= type is "VP8 " or "VP8L" or "ANIM";
            if (output is not null && type is not ("EXIF" or "XMP "))
            {
                if (type == "VP8X" && length >= 1)
                {
                    // The header's flags announce EXIF (0x08) and XMP (0x04) chunks that are no longer there.
                    var copy = whole.ToArray();
                    copy[8] &= unchecked((byte)~0x0C);
                    output.Write(copy);
                }
                else
                {
                    output.Write(whole);
                }
            }
            at += (int)padded;
        }
        return image ? null : "the WebP file has no image chunk";
    }

    /// <summary>
    /// The GPS position in a JPEG's Exif (APP1) segment: latitude and longitude in degrees, south and west negative;
    /// null when the photo has none or it cannot be read.
    /// </summary>
    public static (double Lat, double Long)? JpegGps(ReadOnlySpan<byte> data)
    {
        if (Sniff(data) != EvidenceType.Jpeg)
        {
            return null;
        }
        var at = 2;
        while (at + 4 <= data.Length && data[at] == 0xFF && data[at + 1] != 0xDA)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 2)..]);
            if (at + 2 + length > data.Length)
            {
                return null;
            }
            var body = data.Slice(at + 4, Math.Max(0, length - 2));
            if (data[at + 1] == 0xE1 && body.StartsWith("Exif\0\0"u8))
            {
                try
                {
                    return ExifGps(body[6..]);
                }
                catch (ArgumentOutOfRangeException)
                {
                    return null; // a damaged Exif block: no position, and it is stripped anyway
                }
            }
            at += 2 + length;
        }
        return null;
    }

    private static (double Lat, double Long)? ExifGps(ReadOnlySpan<byte> tiff)
    {
        var little = tiff[0] == (byte)'I';
        uint U32(ReadOnlySpan<byte> t, int o) => little ? BinaryPrimitives.ReadUInt32LittleEndian(t[o..]) : BinaryPrimitives.ReadUInt32BigEndian(t[o..]);
        ushort U16(ReadOnlySpan<byte> t, int o) => little ? BinaryPrimitives.ReadUInt16LittleEndian(t[o..]) : BinaryPrimitives.ReadUInt16BigEndian(t[o..]);
        var ifd0 = (int)U32(tiff, 4);
        int? gps = null;
        for (var i = 0; i < U16(tiff, ifd0); i++)
        {
            var entry = ifd0 + 2 + 12 * i;
            if (U16(tiff, entry) == 0x8825)
            {
                gps = (int)U32(tiff, entry + 8);
            }
        }
        if (gps is not { } g)
        {
            return null;
        }
        char latRef = 'N', longRef = 'E';
        double? lat = null, lon = null;
        for (var i = 0; i < U16(tiff, g); i++)
        {
            var entry = g + 2 + 12 * i;
            switch (U16(tiff, entry))
            {
                case 1: latRef = (char)tiff[entry + 8]; break;
                case 2: lat = Degrees(tiff, (int)U32(tiff, entry + 8), U32); break;
                case 3: longRef = (char)tiff[entry + 8]; break;
                case 4: lon = Degrees(tiff, (int)U32(tiff, entry + 8), U32); break;
            }
        }
        if (lat is not { } la || lon is not { } lo || la > 90 || lo > 180)
        {
            return null;
        }
        return (latRef == 'S' ? -la : la, longRef == 'W' ? -lo : lo);
    }

    private delegate uint Read32(ReadOnlySpan<byte> tiff, int offset);

    // Three RATIONALs: degrees, minutes, seconds.
    private static double? Degrees(ReadOnlySpan<byte> tiff, int offset, Read32 u32)
    {
        var value = 0.0;
        for (var part = 0; part < 3; part++)
        {
            var denominator = u32(tiff, offset + 8 * part + 4);
            if (denominator == 0)
            {
                return null;
            }
            value += u32(tiff, offset + 8 * part) / (double)denominator / Math.Pow(60, part);
        }
        return value;
    }
}

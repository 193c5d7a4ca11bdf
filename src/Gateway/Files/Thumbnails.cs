using SkiaSharp;

namespace GridActors.Gateway.Files;

/// <summary>
/// Small JPEG copies of evidence photos for lists and phones (缩略图), made with SkiaSharp from the copy already stripped
/// of location metadata (so a thumbnail never carries any). Decoding is also the last check of an image: one whose
/// structure looked whole but whose pixels cannot be decoded is refused (400).
/// </summary>
public static class Thumbnails
{
    /// <summary>The long side of a thumbnail, in pixels.</summary>
    public const int LongSide = 320;

    /// <summary>The thumbnail's JPEG bytes; null when the image cannot be decoded.</summary>
    public static byte[]? Make(byte[] image)
    {
        using var decoded = SKBitmap.Decode(image);
        if (decoded is null || decoded.Width == 0 || decoded.Height == 0)
        {
            return null;
        }
        var scale = Math.Min(1.0, (double)LongSide / Math.Max(decoded.Width, decoded.Height));
        var info = new SKImageInfo(Math.Max(1, (int)Math.Round(decoded.Width * scale)), Math.Max(1, (int)Math.Round(decoded.Height * scale)), SKColorType.Rgba8888, SKAlphaType.Premul);
        using var small = decoded.Resize(info, new SKSamplingOptions(SKCubicResampler.Mitchell));
        if (small is null)
        {
            return null;
        }
        using var canvasImage = SKImage.FromBitmap(small);
        using var data = canvasImage.Encode(SKEncodedImageFormat.Jpeg, 80);
        return data?.ToArray();
    }
}

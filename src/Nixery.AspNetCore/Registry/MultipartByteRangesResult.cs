using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Nixery.AspNetCore.Registry;

/// <summary>
/// <c>206 Partial Content</c> with a <c>multipart/byteranges</c> body (RFC 9110 §14.6): one part per range, in the order
/// asked, each with its <c>Content-Range</c>; what partial pulls ask for (podman fetches the files it lacks in one request).
/// Ranges are not merged, since clients map the parts onto the ranges they asked for, one to one.
/// </summary>
internal sealed class MultipartByteRangesResult(Stream blob, IReadOnlyList<ByteRange> ranges, string boundary) : IResult
{
    private const string PartContentType = "application/octet-stream";

    /// <summary>The bytes of the blob the body carries, for the metrics.</summary>
    public long PayloadBytes => ranges.Sum(r => r.Length);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        var length = blob.Length;
        var heads = ranges.Select(r => Encoding.ASCII.GetBytes(
            $"\r\n--{boundary}\r\nContent-Type: {PartContentType}\r\nContent-Range: bytes {r.First}-{r.Last}/{length.ToString(CultureInfo.InvariantCulture)}\r\n\r\n")).ToList();
        var tail = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");

        response.StatusCode = StatusCodes.Status206PartialContent;
        response.ContentType = $"multipart/byteranges; boundary={boundary}";
        response.ContentLength = heads.Sum(h => (long)h.Length) + PayloadBytes + tail.Length;
        response.Headers.AcceptRanges = "bytes";

        await using (blob.ConfigureAwait(false))
        {
            var buffer = new byte[256 * 1024];
            for (var i = 0; i < ranges.Count; i++)
            {
                await response.Body.WriteAsync(heads[i], cancellationToken).ConfigureAwait(false);
                blob.Position = ranges[i].First;
                var left = ranges[i].Length;
                while (left > 0)
                {
                    var read = await blob.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
                    if (read == 0) throw new IOException($"the blob ended {left} bytes before the end of range {ranges[i].First}-{ranges[i].Last}");
                    await response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    left -= read;
                }
            }
            await response.Body.WriteAsync(tail, cancellationToken).ConfigureAwait(false);
        }
    }
}

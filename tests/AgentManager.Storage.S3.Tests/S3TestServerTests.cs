using System.Globalization;
using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace AgentManager.Storage.S3.Tests;

/// <summary>The repairs of <c>tools/services/s3/launcher.js</c>, through the AWS SDK with its defaults:
/// without them the S3 store's tests would pass or fail for the emulator's reasons, not the store's.</summary>
[Collection(S3ServerGroup.Name)]
public sealed class S3TestServerTests(S3ServerFixture server)
{
    [Fact]
    public async Task PutObject_SdkDefaults_StoresThePayloadNotTheChunkFraming()
    {
        var bucket = await server.CreateBucketAsync();
        var payload = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(payload);

        // Default request: aws-chunked body with chunk signatures and a CRC32 trailer.
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a/b.bin", InputStream = new MemoryStream(payload) });

        using var response = await server.Client.GetObjectAsync(bucket, "a/b.bin");
        using var read = new MemoryStream();
        await response.ResponseStream.CopyToAsync(read);
        Assert.Equal(payload, read.ToArray());
        Assert.Null(response.Headers.ContentEncoding);
    }

    [Fact]
    public async Task ChunkedUpload_WithAWrongCrc32Trailer_IsRefusedWithBadDigestAndNotStored()
    {
        var bucket = await server.CreateBucketAsync();
        var signature = new string('b', 64);
        using var http = new HttpClient();

        var good = await PutChunkedAsync(http, bucket, "good.txt", "hello", "NhCmhg==", signature);
        var bad = await PutChunkedAsync(http, bucket, "bad.txt", "hello", "AAAAAA==", signature);

        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("<Code>BadDigest</Code>", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var stored = await server.Client.GetObjectAsync(bucket, "good.txt");
        Assert.Equal("hello", await new StreamReader(stored.ResponseStream).ReadToEndAsync());
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => server.Client.GetObjectAsync(bucket, "bad.txt"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task CopyObject_KeyWithSlashesAndSpaces_IsCopied()
    {
        var bucket = await server.CreateBucketAsync();
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "dir/sub dir/source file.txt", ContentBody = "copied" });

        await server.Client.CopyObjectAsync(bucket, "dir/sub dir/source file.txt", bucket, "copy/target.txt");

        using var response = await server.Client.GetObjectAsync(bucket, "copy/target.txt");
        Assert.Equal("copied", await new StreamReader(response.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task ListObjectsV2_SmallPages_ContinueToTheLastKey()
    {
        var bucket = await server.CreateBucketAsync();
        var keys = Enumerable.Range(0, 5).Select(i => $"p/k{i}").ToList();
        foreach (var key in keys)
        {
            await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        }

        var listed = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = "p/", MaxKeys = 2 };
        var pages = 0;
        ListObjectsV2Response page;
        do
        {
            page = await server.Client.ListObjectsV2Async(request);
            listed.AddRange(page.S3Objects.Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
            pages++;
        }
        while (page.IsTruncated == true);

        Assert.Equal(keys, listed);
        Assert.Equal(3, pages);
    }

    /// <summary>An upload framed as the SDK frames it, with a CRC32 trailer of our choosing; s3rver checks
    /// the format of a SigV4 signature, not its value.</summary>
    private async Task<HttpResponseMessage> PutChunkedAsync(HttpClient http, string bucket, string key, string text, string crc32, string signature)
    {
        var body = $"{Encoding.ASCII.GetByteCount(text):x};chunk-signature={signature}\r\n{text}\r\n0;chunk-signature={signature}\r\n"
            + $"x-amz-checksum-crc32:{crc32}\r\nx-amz-trailer-signature:{signature}\r\n\r\n";
        var date = TimeProvider.System.GetUtcNow(); // the server refuses requests more than 15 minutes off
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{server.ServiceUrl}/{bucket}/{key}")
        {
            Content = new ByteArrayContent(Encoding.ASCII.GetBytes(body)),
        };
        request.Headers.TryAddWithoutValidation("Authorization", string.Create(CultureInfo.InvariantCulture, $"AWS4-HMAC-SHA256 Credential=S3RVER/{date:yyyyMMdd}/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}"));
        request.Headers.TryAddWithoutValidation("x-amz-date", date.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER");
        request.Headers.TryAddWithoutValidation("x-amz-decoded-content-length", Encoding.ASCII.GetByteCount(text).ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("x-amz-trailer", "x-amz-checksum-crc32");
        request.Content.Headers.TryAddWithoutValidation("Content-Encoding", "aws-chunked");
        return await http.SendAsync(request);
    }
}

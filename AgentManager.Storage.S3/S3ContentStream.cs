using System.Security.Cryptography;
using Amazon.S3.Model;

namespace AgentManager.Storage.S3;

/// <summary>The body of a GET response as the content of one checkpoint entry: its length is the entry's
/// size, and reading it to the end checks that the bytes are the ones the manifest describes (size and
/// SHA-256), so content changed or damaged in the bucket is never taken for the checkpoint's.</summary>
internal sealed class S3ContentStream : Stream
{
    private readonly GetObjectResponse _response;
    private readonly Stream _body;
    private readonly long _size;
    private readonly string? _sha256;
    private readonly string _location;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _checked;

    public S3ContentStream(GetObjectResponse response, long size, string? sha256, string location)
    {
        _response = response;
        _body = response.ResponseStream;
        _size = size;
        _sha256 = sha256;
        _location = location;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _size;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException("The content of a checkpoint entry is read once, from the start.");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _body.Read(buffer);
        return Account(buffer[..read], buffer.Length);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..read], buffer.Length);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("The content of a checkpoint entry cannot be sought.");

    public override void SetLength(long value) => throw new NotSupportedException("The content of a checkpoint entry is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The content of a checkpoint entry is read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _response.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Account(ReadOnlySpan<byte> read, int requested)
    {
        _read += read.Length;
        _hash.AppendData(read);
        if (_read > _size)
        {
            throw Damaged($"it holds more than the {_size} bytes the manifest records");
        }

        if (read.Length == 0 && requested > 0 && !_checked)
        {
            _checked = true;
            if (_read != _size)
            {
                throw Damaged($"it holds {_read} bytes, not the {_size} bytes the manifest records");
            }

            var actual = Convert.ToHexStringLower(_hash.GetHashAndReset());
            if (_sha256 is not null && !string.Equals(actual, _sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw Damaged($"its SHA-256 is {actual}, not the {_sha256} the manifest records");
            }
        }

        return read.Length;
    }

    private InvalidDataException Damaged(string problem) =>
        new($"The checkpoint content '{_location}' was changed or damaged after it was stored: {problem}.");
}

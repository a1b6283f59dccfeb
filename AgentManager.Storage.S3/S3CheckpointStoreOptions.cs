using Amazon.S3;
using Amazon.S3.Model;
using AgentManager.Persistence.Checkpoints;

namespace AgentManager.Storage.S3;

/// <summary>Settings of the S3 checkpoint store, given to <c>UseS3Checkpoints()</c>.</summary>
public sealed class S3CheckpointStoreOptions
{
    /// <summary>The default of <see cref="KeyPrefix"/>.</summary>
    public const string DefaultKeyPrefix = "agentmanager/checkpoints";

    /// <summary>The default of <see cref="MaxEntryBytes"/>: 64 MiB, as the file store.</summary>
    public const long DefaultMaxEntryBytes = 64L * 1024 * 1024;

    /// <summary>The largest <see cref="ListPageSize"/>: S3 lists and deletes at most 1000 keys per request.</summary>
    public const int MaxListPageSize = 1000;

    /// <summary>Gets or sets the bucket that holds the checkpoints. It must exist: the store never creates
    /// buckets, and an operation on a missing one fails with an error naming it.</summary>
    /// <value>Required: 3 to 255 characters from <c>a-z A-Z 0-9 . - _</c>, starting and ending with a
    /// letter or digit (S3's rules for new buckets are narrower: 3 to 63 lower-case characters).</value>
    public string BucketName { get; set; } = "";

    /// <summary>Gets or sets the key prefix every object of the store starts with, so the bucket can hold
    /// other data; stores with different prefixes in one bucket never see each other's checkpoints.</summary>
    /// <value>The default is <see cref="DefaultKeyPrefix"/>. Empty, or at most 256 characters: segments of
    /// <c>A-Z a-z 0-9 ! - _ . * ' ( )</c> separated by single <c>/</c>, without a leading or trailing <c>/</c>
    /// and without <c>.</c> or <c>..</c> segments.</value>
    public string KeyPrefix { get; set; } = DefaultKeyPrefix;

    /// <summary>Gets or sets the largest entry stored, in bytes; a larger output or artifact is recorded as
    /// <see cref="CheckpointEntryStatus.TooLarge"/> instead. Each entry is one PUT request, and S3 accepts at
    /// most 5 GiB in one.</summary>
    /// <value>The default is <see cref="DefaultMaxEntryBytes"/> (64 MiB). From 0 to 5 GiB.</value>
    public long MaxEntryBytes { get; set; } = DefaultMaxEntryBytes;

    /// <summary>Gets or sets how many keys one list request returns and one delete request removes.</summary>
    /// <value>The default is <see cref="MaxListPageSize"/> (1000). From 1 to 1000; smaller pages only mean
    /// more requests.</value>
    public int ListPageSize { get; set; } = MaxListPageSize;

    /// <summary>Gets or sets how many objects one save uploads, or one list reads, at the same time.</summary>
    /// <value>The default is 4. From 1 to 64.</value>
    public int MaxConcurrentRequests { get; set; } = 4;

    /// <summary>Gets or sets the factory of the S3 client the store uses, for an application whose
    /// checkpoints live in another account, region or endpoint than its other S3 data.</summary>
    /// <value>The default, <see langword="null"/>, uses the <see cref="IAmazonS3"/> service of the
    /// container (registered with <c>AddAWSService&lt;IAmazonS3&gt;()</c> or by hand), which the container
    /// owns. A client this factory returns is owned by the store and disposed with it.</value>
    public Func<IServiceProvider, IAmazonS3>? ClientFactory { get; set; }

    /// <summary>Gets or sets a callback applied to every upload (entries and manifests) before it is sent:
    /// server-side encryption, storage class, tags, metadata.</summary>
    /// <value>The default, <see langword="null"/>, sends the bucket's defaults. The callback must not change
    /// the bucket, key, body, checksum or <see cref="PutObjectRequest.IfNoneMatch"/>; the store sets them
    /// again after it.</value>
    public Action<PutObjectRequest>? ConfigurePutRequest { get; set; }
}

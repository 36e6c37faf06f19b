namespace Nixery.Storage.Gcs.Signing;

/// <summary>How a signed URL names the bucket.</summary>
public enum UrlStyle
{
    /// <summary><c>https://storage.googleapis.com/&lt;bucket&gt;/&lt;object&gt;</c>.</summary>
    PathStyle,

    /// <summary><c>https://&lt;bucket&gt;.storage.googleapis.com/&lt;object&gt;</c>.</summary>
    VirtualHostedStyle,

    /// <summary><c>https://&lt;a domain mapped to the bucket&gt;/&lt;object&gt;</c> (a CNAME or load balancer).</summary>
    BucketBoundHostname,
}

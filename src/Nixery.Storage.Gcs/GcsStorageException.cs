using System.Net;
using Nixery.Abstractions;

namespace Nixery.Storage.Gcs;

/// <summary>Cloud Storage answered a call with an error status (after any retries), or a resumable upload could not finish.</summary>
public sealed class GcsStorageException(string operation, string objectName, HttpStatusCode statusCode, string message)
    : NixeryException($"Cloud Storage {operation} of '{objectName}' failed with {(int)statusCode} {statusCode}: {message}")
{
    /// <summary>The JSON API method, e.g. <c>objects.insert</c>.</summary>
    public string Operation { get; } = operation;

    /// <summary>The object (or bucket) the call was about.</summary>
    public string ObjectName { get; } = objectName;

    /// <summary>The HTTP status Cloud Storage answered.</summary>
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>Cloud Storage's own explanation, when it gave one.</summary>
    public string ServerMessage { get; } = message;
}

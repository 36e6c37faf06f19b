namespace Nixery.Storage.Gcs.Api;

/// <summary>Where a resumable upload stands: finished with its object, or this many bytes persisted so far.</summary>
internal readonly record struct ResumableStatus(GcsObject? Completed, long Persisted);

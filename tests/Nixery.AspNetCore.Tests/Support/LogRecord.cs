using Microsoft.Extensions.Logging;

namespace Nixery.AspNetCore.Tests.Support;

/// <summary>One captured log entry with its structured properties.</summary>
public sealed record LogRecord(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Properties);

using Microsoft.Extensions.Configuration;

namespace Nixery.Core;

/// <summary>
/// The configuration section <c>AddNixery</c> was given and its path (<c>Nixery</c> by default), kept in the container so
/// that settings added later (each strategy's <c>Layering:&lt;name&gt;</c>) bind from it and messages name their keys.
/// </summary>
internal sealed record NixeryConfiguration(IConfiguration? Section, string Path);

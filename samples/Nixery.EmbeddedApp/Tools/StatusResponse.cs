namespace Nixery.EmbeddedApp.Tools;

/// <summary>The body of <c>GET /api/status</c>.</summary>
/// <param name="App">The app's name.</param>
/// <param name="Status">Always <c>ok</c> while the app answers.</param>
/// <param name="StartedAt">When the app started.</param>
/// <param name="Registry">Where the registry is served.</param>
internal sealed record StatusResponse(string App, string Status, DateTimeOffset StartedAt, string Registry);

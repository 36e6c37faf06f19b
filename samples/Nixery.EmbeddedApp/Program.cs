// The team-tools app: its own home page and status API, plus a container registry under /v2 for its users.
// Everything is composed in EmbeddedApp.Build, which the tests call to start the same app on a loopback port.
await using var app = Nixery.EmbeddedApp.EmbeddedApp.Build(args);
await app.RunAsync();

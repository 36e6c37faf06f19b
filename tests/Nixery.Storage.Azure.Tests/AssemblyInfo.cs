// The cluster tests run Nix through wrapper scripts and let its build users reach their log (Unix file modes).
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]

// The packing and storage tests build trees with Unix modes, symlinks and hard links, and run GNU tar and gzip.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]

using System.Xml.Linq;

namespace Nixery.Abstractions.Tests.Dependencies;

/// <summary>What a project under <c>src/</c> references: projects of ours, NuGet packages, shared frameworks.</summary>
internal sealed record PackageProject(string Name, IReadOnlyList<string> Projects, IReadOnlyList<string> Packages, IReadOnlyList<string> Frameworks)
{
    /// <summary>Reads a project file.</summary>
    public static PackageProject Read(string path)
    {
        var xml = XDocument.Load(path);
        IReadOnlyList<string> Items(string kind) =>
            [.. xml.Descendants(kind).Select(e => (string?)e.Attribute("Include")).OfType<string>()];
        return new PackageProject(
            Path.GetFileNameWithoutExtension(path),
            [.. Items("ProjectReference").Select(Path.GetFileNameWithoutExtension).OfType<string>()],
            Items("PackageReference"),
            Items("FrameworkReference"));
    }
}

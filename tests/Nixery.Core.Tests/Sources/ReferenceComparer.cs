using Nixery.Abstractions.Sources;

namespace Nixery.Core.Tests.Sources;

/// <summary>Compares references by content; the record's own equality compares the argument dictionaries by reference.</summary>
internal sealed class ReferenceComparer : IEqualityComparer<PackageSetReference>
{
    public bool Equals(PackageSetReference? x, PackageSetReference? y) =>
        x is not null && y is not null
        && x.Expression == y.Expression && x.Identity == y.Identity && x.IsPinned == y.IsPinned
        && x.Arguments.OrderBy(a => a.Key).SequenceEqual(y.Arguments.OrderBy(a => a.Key));

    public int GetHashCode(PackageSetReference obj) => HashCode.Combine(obj.Expression, obj.Identity, obj.IsPinned);
}

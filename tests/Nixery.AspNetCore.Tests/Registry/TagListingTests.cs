using Nixery.AspNetCore.Registry;

namespace Nixery.AspNetCore.Tests.Registry;

public sealed class TagListingTests
{
    [Fact]
    public void A_source_without_tags_offers_only_latest() =>
        Assert.Equal(["latest"], TagListing.Page([], last: null, n: null));

    [Fact]
    public void Source_tags_are_added_to_latest_in_ordinal_lexical_order()
    {
        var tags = TagListing.Page(["other", "main", "V2", "_x", "1.0", "m"], last: null, n: null);

        Assert.Equal(["1.0", "V2", "_x", "latest", "m", "main", "other"], tags);
    }

    [Theory]
    [InlineData("feature/x")]
    [InlineData("-dash")]
    [InlineData(".dot")]
    [InlineData("with space")]
    [InlineData("ümlaut")]
    [InlineData("")]
    public void Names_that_are_not_valid_registry_tags_are_skipped(string invalid) =>
        Assert.Equal(["latest", "main"], TagListing.Page([invalid, "main"], last: null, n: null));

    [Fact]
    public void A_name_of_129_characters_is_skipped_and_one_of_128_kept()
    {
        var longest = new string('a', 128);

        Assert.Equal([longest, "latest"], TagListing.Page([longest, longest + "a"], last: null, n: null));
    }

    [Fact]
    public void Duplicates_and_a_listed_latest_appear_once() =>
        Assert.Equal(["latest", "main"], TagListing.Page(["main", "latest", "main"], last: null, n: null));

    [Theory]
    [InlineData("latest", null, new[] { "main", "other" })]
    [InlineData("latest", 1, new[] { "main" })]
    [InlineData("main", 1, new[] { "other" })]
    [InlineData("other", 5, new string[0])]
    [InlineData("", 2, new[] { "latest", "main" })]
    [InlineData("lb", null, new[] { "main", "other" })]
    [InlineData(null, 0, new string[0])]
    public void Pages_start_after_last_and_hold_at_most_n(string? last, int? n, string[] expected) =>
        Assert.Equal(expected, TagListing.Page(["other", "main"], last, n));

    [Theory]
    [InlineData("", "shell/hello", 2, "main", "</v2/shell/hello/tags/list?n=2&last=main>; rel=\"next\"")]
    [InlineData("/registry", "hello", 1000, "v1.0_rc-2", "</registry/v2/hello/tags/list?n=1000&last=v1.0_rc-2>; rel=\"next\"")]
    public void The_next_link_is_rfc_5988_rel_next_to_the_page_after_last_under_the_path_base(string pathBase, string name, int n, string last, string expected) =>
        Assert.Equal(expected, TagListing.NextLink(pathBase, name, n, last));
}

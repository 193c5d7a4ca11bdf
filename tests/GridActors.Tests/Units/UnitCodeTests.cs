using GridActors.Grains.Units;

namespace GridActors.Tests.Units;

public sealed class UnitCodeTests
{
    [Theory]
    [InlineData("340822", UnitLevel.County, null)]
    [InlineData("340822100", UnitLevel.Township, "340822")]
    [InlineData("340822100201", UnitLevel.Village, "340822100")]
    [InlineData("340822100201003", UnitLevel.Grid, "340822100201")]
    public void Parse_ValidCode_KnowsLevelAndParentFromItself(string text, UnitLevel level, string? parent)
    {
        Assert.True(UnitCode.TryParse(text, out var code, out var error), error);
        Assert.Equal(level, code.Level);
        Assert.Equal(parent, code.Parent?.Value);
        Assert.Equal("340822", code.County.Value);
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("34082", "6 (county), 9 (township), 12 (village) or 15 (grid) digits")]
    [InlineData("3408221002010031", "6 (county)")]
    [InlineData("34082a", "digits only")]
    [InlineData("３４０８２２", "digits only")]
    [InlineData("990822", "not a province code")]
    [InlineData("340800", "cannot be 00")]
    [InlineData("340822000", "digits 7-9 cannot be 000")]
    [InlineData("340822100000", "digits 10-12 cannot be 000")]
    [InlineData("340822100201000", "digits 13-15 cannot be 000")]
    public void Parse_MalformedCode_SaysWhichRuleItBreaks(string text, string rule)
    {
        Assert.False(UnitCode.TryParse(text, out _, out var error));
        Assert.Contains(rule, error);
    }

    [Fact]
    public void Parse_CodeOfAnotherLevel_NamesBothLevels()
    {
        Assert.False(UnitCode.TryParse("340822100", UnitLevel.Village, out _, out var error));
        Assert.Equal("a village code has 12 digits; '340822100' is a township code", error);
    }

    [Fact]
    public void Contains_IsTrueForTheUnitAndEverythingUnderIt()
    {
        var township = UnitCode.Parse("340822100");
        Assert.True(township.Contains(UnitCode.Parse("340822100201003")));
        Assert.True(township.Contains(township));
        Assert.False(township.Contains(UnitCode.Parse("340822101201003")));
    }

    [Fact]
    public void LevelCodes_RejectCodesOfOtherLevels()
    {
        Assert.True(GridCode.TryParse("340822100201003", out var grid, out _));
        Assert.Equal("340822100201", grid.Village.ToString());
        Assert.False(GridCode.TryParse("340822100201", out _, out _));
        Assert.False(CountyCode.TryParse("340822100", out _, out _));
        Assert.True(TownshipCode.TryParse("340822100", out _, out _));
        Assert.True(VillageCode.TryParse("340822100201", out _, out _));
    }
}

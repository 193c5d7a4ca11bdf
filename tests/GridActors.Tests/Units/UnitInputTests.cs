using System.Text.Json;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;

namespace GridActors.Tests.Units;

public sealed class UnitInputTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private const string Square = """{"type":"Polygon","coordinates":[[[116.5,30.6],[116.6,30.6],[116.6,30.7],[116.5,30.7],[116.5,30.6]]]}""";

    [Fact]
    public void Grid_WithGroupsLeaderAndBoundary_IsAccepted()
    {
        var errors = new ValidationErrors();
        var details = new UnitInput(" 董屋网格 ", VillagerGroups: ["董屋组", "汪屋组"], Leader: new ContactInput("董明", "139 5561 2345"), Boundary: Json(Square))
            .Validate(UnitLevel.Grid, errors);
        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal("董屋网格", details!.Name);
        Assert.Equal(["董屋组", "汪屋组"], details.VillagerGroups!);
        Assert.Equal(new Contact("董明", "139 5561 2345"), details.Leader);
        Assert.Contains("\"Polygon\"", details.BoundaryGeoJson);
    }

    [Theory]
    [InlineData("village", null, "kind", "is required for a village")]
    [InlineData("village", "town", "kind", "must be one of: village, community")]
    [InlineData("county", "village", "kind", "applies only to villages")]
    public void Kind_IsRequiredForVillagesOnly(string levelName, string? kind, string field, string rule)
    {
        UnitLevels.TryParse(levelName, out var level);
        var errors = new ValidationErrors();
        Assert.Null(new UnitInput("某村", Kind: kind).Validate(level, errors));
        Assert.Contains(rule, errors.ToDictionary()[field][0]);
    }

    [Theory]
    [InlineData(null, "name")]
    [InlineData("   ", "name")]
    public void Name_IsRequired(string? name, string field)
    {
        var errors = new ValidationErrors();
        Assert.Null(new UnitInput(name).Validate(UnitLevel.County, errors));
        Assert.Equal("is required and cannot be blank", errors.ToDictionary()[field][0]);
    }

    [Fact]
    public void Name_TooLong_OrWithControlCharacters_IsRejected()
    {
        var errors = new ValidationErrors();
        new UnitInput(new string('村', 101)).Validate(UnitLevel.County, errors);
        Assert.Equal("must be at most 100 characters", errors.ToDictionary()["name"][0]);
        errors = new ValidationErrors();
        new UnitInput("a\u0001b").Validate(UnitLevel.County, errors);
        Assert.Equal("must not contain control characters", errors.ToDictionary()["name"][0]);
    }

    [Theory]
    [InlineData("", "leader.phone", "is required")]
    [InlineData("abc", "leader.phone", "must contain only digits")]
    [InlineData("123", "leader.phone", "must have 5 to 15 digits")]
    public void LeaderPhone_IsChecked(string phone, string field, string rule)
    {
        var errors = new ValidationErrors();
        new UnitInput("网格", Leader: new ContactInput("董明", phone)).Validate(UnitLevel.Grid, errors);
        Assert.Contains(rule, errors.ToDictionary()[field][0]);
    }

    [Theory]
    [InlineData("""{"type":"Point","coordinates":[116.5,30.6]}""", "boundary.type", "must be Polygon or MultiPolygon")]
    [InlineData("""{"type":"Polygon"}""", "boundary.coordinates", "is required")]
    [InlineData("""{"type":"Polygon","coordinates":[[[116.5,30.6],[116.6,30.6],[116.5,30.6]]]}""", "boundary.coordinates[0]", "at least 4 positions")]
    [InlineData("""{"type":"Polygon","coordinates":[[[116.5,30.6],[116.6,30.6],[116.6,30.7],[116.5,30.8]]]}""", "boundary.coordinates[0]", "must end at its first position")]
    [InlineData("""{"type":"Polygon","coordinates":[[[216.5,30.6],[116.6,30.6],[116.6,30.7],[216.5,30.6]]]}""", "boundary.coordinates[0][0]", "WGS84")]
    [InlineData("""{"type":"Polygon","coordinates":[[["a",30.6],[116.6,30.6],[116.6,30.7],[116.5,30.6]]]}""", "boundary.coordinates[0][0]", "[longitude, latitude]")]
    [InlineData("""[1,2]""", "boundary", "GeoJSON Polygon or MultiPolygon object")]
    public void Boundary_MustBeAClosedWgs84Polygon(string geoJson, string field, string rule)
    {
        var errors = new ValidationErrors();
        Assert.Null(new UnitInput("网格", Boundary: Json(geoJson)).Validate(UnitLevel.Grid, errors));
        Assert.Contains(rule, errors.ToDictionary()[field][0]);
    }

    [Fact]
    public void GridFields_OnAVillage_AreRejectedByName()
    {
        var errors = new ValidationErrors();
        new UnitInput("某村", Kind: "village", VillagerGroups: ["董屋组"], Leader: new ContactInput("a", "13955612345"), Boundary: Json(Square))
            .Validate(UnitLevel.Village, errors);
        var fields = errors.ToDictionary();
        Assert.Equal("applies only to grids", fields["villagerGroups"][0]);
        Assert.Equal("applies only to grids", fields["leader"][0]);
        Assert.Equal("applies only to grids", fields["boundary"][0]);
    }

    [Fact]
    public void VillagerGroups_MustNotRepeatOrBeBlank()
    {
        var errors = new ValidationErrors();
        new UnitInput("网格", VillagerGroups: ["董屋组", "董屋组", " "]).Validate(UnitLevel.Grid, errors);
        var fields = errors.ToDictionary();
        Assert.Equal("must not repeat a group", fields["villagerGroups[1]"][0]);
        Assert.Equal("is required and cannot be blank", fields["villagerGroups[2]"][0]);
    }
}

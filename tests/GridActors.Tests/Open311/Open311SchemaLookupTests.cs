namespace GridActors.Tests.Open311;

/// <summary>Where the Open311 tests find the JSON Schemas they check every answer against, and what they say when they cannot.</summary>
public sealed class Open311SchemaLookupTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("gridactors-schemas-");

    public void Dispose() => _root.Delete(recursive: true);

    private string Schemas(string under)
    {
        var folder = Path.Combine(_root.FullName, under, "open311-schemas", "georeport-v2");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "requests.json"), "{}");
        return folder;
    }

    [Fact]
    public void TheVariable_MayNameTheSchemasFolder_OrItsGeoreportFolder()
    {
        var folder = Schemas("elsewhere");
        Assert.Equal(folder, Open311Schemas.Folder(Path.GetDirectoryName(folder), _root.FullName));
        Assert.Equal(folder, Open311Schemas.Folder(folder, _root.FullName));
    }

    [Fact]
    public void TheVariable_SetToAFolderWithoutSchemas_Fails_NamingIt_EvenWhenSharedSchemasLieAbove()
    {
        Schemas("shared");
        var start = Directory.CreateDirectory(Path.Combine(_root.FullName, "repo", "tests", "bin")).FullName;
        var wrong = Path.Combine(_root.FullName, "nowhere");

        var error = Assert.Throws<InvalidOperationException>(() => Open311Schemas.Folder(wrong, start));

        Assert.Contains(Open311Schemas.FolderVariable, error.Message);
        Assert.Contains(wrong, error.Message);
    }

    [Fact]
    public void WithoutTheVariable_TheNearestSharedFolderAboveTheTestsIsUsed()
    {
        var folder = Schemas("shared");
        var start = Directory.CreateDirectory(Path.Combine(_root.FullName, "repo", "tests", "bin")).FullName;
        Assert.Equal(folder, Open311Schemas.Folder(null, start));
    }

    [Fact]
    public void WithoutTheVariable_AndNoSharedFolder_Fails_NamingEveryPlaceLookedAt()
    {
        var start = Directory.CreateDirectory(Path.Combine(_root.FullName, "repo", "tests", "bin")).FullName;

        var error = Assert.Throws<InvalidOperationException>(() => Open311Schemas.Folder(null, start));

        Assert.Contains(Path.Combine(start, "shared", "open311-schemas", "georeport-v2"), error.Message);
        Assert.Contains(Path.Combine(_root.FullName, "shared", "open311-schemas", "georeport-v2"), error.Message);
        Assert.Contains(Open311Schemas.FolderVariable, error.Message);
    }
}

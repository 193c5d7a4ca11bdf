namespace GridActors.Tests.Open311;

/// <summary>
/// Which JSON Schemas the Open311 tests check answers against: the repository's always, the published ones when found,
/// and what they say when told to use schemas that are not there.
/// </summary>
public sealed class Open311SchemaLookupTests : IDisposable
{
    private const string ValidRequest = """[{"service_request_id":"1","status":"open","service_code":"a","requested_datetime":"2026-03-02T09:00:00+08:00"}]""";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("gridactors-schemas-");

    public void Dispose() => _root.Delete(recursive: true);

    private string Schemas(string under, string requests = "{}")
    {
        var folder = Path.Combine(_root.FullName, under, "open311-schemas", "georeport-v2");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "requests.json"), requests);
        return folder;
    }

    [Fact]
    public void TheRepositorysSchemas_AreBesideTheTests_ForEveryAnswer()
    {
        var own = new Open311SchemaSet(Open311Schemas.OwnFolder);
        Assert.Equal(
            new[] { "discovery.json", "errors.json", "request-created.json", "request.json", "requests.json", "service-definition.json", "service.json", "services.json", "tokens.json" },
            own.Names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheRepositorysSchemas_RejectWhatTheSpecificationForbids()
    {
        IReadOnlyList<Open311SchemaSet> own = [new(Open311Schemas.OwnFolder)];
        Open311Schemas.AssertValid(own, "requests.json", ValidRequest);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Open311Schemas.AssertValid(own, "requests.json", ValidRequest.Replace("\"open\"", "\"pending\"")));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Open311Schemas.AssertValid(own, "requests.json", ValidRequest.Replace("\"service_code\":\"a\",", "")));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Open311Schemas.AssertValid(own, "requests.json", ValidRequest.Replace("}]", ",\"lat\":\"30.4\"}]")));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Open311Schemas.AssertValid(own, "requests.json", ValidRequest.Replace("}]", ",\"phone\":\"13955612345\"}]")));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Open311Schemas.AssertValid(own, "requests.json", ValidRequest.Replace("2026-03-02T09:00:00+08:00", "yesterday")));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Open311Schemas.AssertValid(own, "services.json", """[{"service_code":"a","service_name":"b","metadata":true,"type":"daily"}]"""));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Open311Schemas.AssertValid(own, "errors.json", """[{"code":"400","description":"bad"}]"""));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Open311Schemas.AssertValid(own, "request-created.json", """[{"service_notice":"ok"}]"""));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Open311Schemas.AssertValid(own, "service-definition.json",
            """{"service_code":"a","attributes":[{"variable":true,"code":"g","datatype":"singlevaluelist","required":false}]}"""));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Open311Schemas.AssertValid(own, "unknown.json", "[]"));
    }

    [Fact]
    public void WhenTheVariableNamesThePublishedSchemas_AnAnswerIsCheckedAgainstBoth()
    {
        // A published requests.json that allows no request: the answer passes the repository's schema and fails this one.
        var published = Schemas("published", """{"type":"array","maxItems":0}""");
        var sets = Open311Schemas.For(published);

        Assert.Equal(new[] { Open311Schemas.OwnFolder, published }, sets.Select(s => s.Folder));
        var error = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Open311Schemas.AssertValid(sets, "requests.json", ValidRequest));
        Assert.Contains(published, error.Message);
        // A schema the published set lacks is checked against the repository's alone.
        Open311Schemas.AssertValid(sets, "errors.json", """[{"code":404,"description":"not found"}]""");
    }

    [Fact]
    public void TheVariable_MayNameTheSchemasFolder_OrItsGeoreportFolder()
    {
        var folder = Schemas("elsewhere");
        Assert.Equal(folder, Open311Schemas.OfficialFolder(Path.GetDirectoryName(folder)));
        Assert.Equal(folder, Open311Schemas.OfficialFolder(folder));
    }

    [Fact]
    public void TheVariable_SetToAFolderWithoutSchemas_Fails_NamingIt()
    {
        var wrong = Path.Combine(_root.FullName, "nowhere");

        var error = Assert.Throws<InvalidOperationException>(() => Open311Schemas.OfficialFolder(wrong));

        Assert.Contains(Open311Schemas.FolderVariable, error.Message);
        Assert.Contains(wrong, error.Message);
    }

    [Fact]
    public void WithoutTheVariable_TheRepositorysSchemasAloneAreChecked_WhateverLiesAroundTheRepository()
    {
        Assert.Null(Open311Schemas.OfficialFolder(null));
        Assert.Equal(new[] { Open311Schemas.OwnFolder }, Open311Schemas.For(null).Select(s => s.Folder));
    }
}

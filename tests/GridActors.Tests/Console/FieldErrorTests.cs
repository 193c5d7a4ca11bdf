using Bunit;
using GridActors.Gateway.Console.Shared;

namespace GridActors.Tests.Console;

/// <summary>
/// A form shows the API's message next to the field it names, and nothing next to the others: in Chinese on a Chinese
/// page when the rule is in the console's table, the API's own text when it is not, and the API's text in English.
/// </summary>
public sealed class FieldErrorTests : IDisposable
{
    private readonly BunitContext _context = new();

    private static Dictionary<string, string> Errors(string field, string rule) => new(StringComparer.OrdinalIgnoreCase) { [field] = rule };

    [Fact]
    public void TheFieldNamedByTheApi_ShowsItsRule_InChinese()
    {
        var errors = Errors("reporter.phone", "must have 5 to 15 digits");
        var named = _context.Render<FieldError>(p => p.Add(c => c.Field, "reporter.phone").Add(c => c.Errors, errors));
        var other = _context.Render<FieldError>(p => p.Add(c => c.Field, "title").Add(c => c.Errors, errors));

        Assert.Equal("应为 5 到 15 位数字", named.Find(".field-error[data-field='reporter.phone']").TextContent);
        Assert.Empty(other.FindAll(".field-error"));
    }

    [Fact]
    public void ARuleWithANumber_IsTranslatedWithIt()
    {
        var named = _context.Render<FieldError>(p => p.Add(c => c.Field, "title").Add(c => c.Errors, Errors("title", "must be at most 200 characters")));
        Assert.Equal("最多 200 个字符", named.Find(".field-error").TextContent);
    }

    [Fact]
    public void ARuleNotInTheTable_ShowsTheApisText()
    {
        var named = _context.Render<FieldError>(p => p.Add(c => c.Field, "to").Add(c => c.Errors, Errors("to", "must be a child of 340822100")));
        Assert.Equal("must be a child of 340822100", named.Find(".field-error").TextContent);
    }

    [Fact]
    public void AnEnglishPage_ShowsTheApisText()
    {
        var named = _context.Render<FieldError>(p => p.Add(c => c.Field, "reporter.phone").Add(c => c.Errors, Errors("reporter.phone", "must have 5 to 15 digits")).Add(c => c.English, true));
        Assert.Equal("must have 5 to 15 digits", named.Find(".field-error").TextContent);
    }

    public void Dispose() => _context.Dispose();
}

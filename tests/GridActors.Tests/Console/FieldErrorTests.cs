using Bunit;
using GridActors.Gateway.Console.Shared;

namespace GridActors.Tests.Console;

/// <summary>A form shows the API's message next to the field it names, and nothing next to the others.</summary>
public sealed class FieldErrorTests : IDisposable
{
    private readonly BunitContext _context = new();

    [Fact]
    public void TheFieldNamedByTheApi_ShowsItsRule()
    {
        var errors = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["reporter.phone"] = "must have 5 to 15 digits" };
        var named = _context.Render<FieldError>(p => p.Add(c => c.Field, "reporter.phone").Add(c => c.Errors, errors));
        var other = _context.Render<FieldError>(p => p.Add(c => c.Field, "title").Add(c => c.Errors, errors));

        Assert.Equal("must have 5 to 15 digits", named.Find(".field-error[data-field='reporter.phone']").TextContent);
        Assert.Empty(other.FindAll(".field-error"));
    }

    public void Dispose() => _context.Dispose();
}

using GridActors.Grains.Validation;
using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.Issues;

/// <summary>The body of <c>POST /api/v1/grids/{code}/issues</c>, as sent; checked by <see cref="Validate"/>.</summary>
public sealed record IssueInput(
    string? Category,
    string? Title,
    string? Description,
    LocationInput? Location,
    ReporterInput? Reporter,
    IReadOnlyList<AttachmentInput?>? Attachments,
    string? By = null)
{
    public const int MaxDescription = 4000;
    public const int MaxTitle = 200;
    public const int MaxAttachments = 20;

    public (string Category, string Title, string? Description, IssueLocation? Location, Reporter? Reporter, Attachment[] Attachments)? Validate(ValidationErrors errors)
    {
        var category = Rules.RequiredText(errors, "category", Category, 64);
        var title = Rules.RequiredText(errors, "title", Title, MaxTitle);
        var description = Rules.OptionalText(errors, "description", Description, MaxDescription, multiline: true);

        IssueLocation? location = null;
        if (Location is not null)
        {
            if (Location.Lat is null != Location.Long is null)
            {
                errors.Add(Location.Lat is null ? "location.lat" : "location.long", "latitude and longitude come together");
            }
            if (Location.Lat is < -90 or > 90)
            {
                errors.Add("location.lat", "must be within [-90, 90] (WGS84)");
            }
            if (Location.Long is < -180 or > 180)
            {
                errors.Add("location.long", "must be within [-180, 180] (WGS84)");
            }
            var address = Rules.OptionalText(errors, "location.address", Location.Address, 300);
            if (Location.Lat is null && string.IsNullOrWhiteSpace(address))
            {
                errors.Add("location", "needs lat and long, an address, or both");
            }
            location = new IssueLocation(Location.Lat, Location.Long, address);
        }

        Reporter? reporter = null;
        if (Reporter is not null)
        {
            var name = Rules.RequiredText(errors, "reporter.name", Reporter.Name);
            var phone = Rules.Phone(errors, "reporter.phone", Reporter.Phone);
            reporter = name is null || phone is null ? null : new Reporter(name, phone);
        }

        var attachments = new List<Attachment>();
        if (Attachments is not null)
        {
            if (Attachments.Count > MaxAttachments)
            {
                errors.Add("attachments", $"must have at most {MaxAttachments} entries");
            }
            for (var i = 0; i < Attachments.Count && i < MaxAttachments; i++)
            {
                if (Attachments[i] is not { } a)
                {
                    errors.Add($"attachments[{i}]", "must be an object");
                    continue;
                }
                if (!EnumNames.TryParse<AttachmentKind>(a.Kind, out var kind))
                {
                    errors.Add($"attachments[{i}].kind", EnumNames.Rule<AttachmentKind>(a.Kind));
                }
                var url = Rules.RequiredText(errors, $"attachments[{i}].url", a.Url, 2000);
                if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
                {
                    errors.Add($"attachments[{i}].url", "must be an absolute http or https URL");
                }
                // Optional: an app that passes a file's address along (Open311's media_url) never fetched the file, so
                // cannot know its hash. Given, it must be a SHA-256: a wrong one would vouch for another file.
                var sha = string.IsNullOrWhiteSpace(a.Sha256) ? null : a.Sha256.Trim().ToLowerInvariant();
                if (sha is not null && (sha.Length != 64 || !sha.All(char.IsAsciiHexDigit)))
                {
                    errors.Add($"attachments[{i}].sha256", "must be the file's SHA-256 as 64 hexadecimal characters");
                }
                var caption = Rules.OptionalText(errors, $"attachments[{i}].caption", a.Caption, 200);
                if (errors.IsEmpty)
                {
                    attachments.Add(new Attachment(kind, url!, sha, caption));
                }
            }
        }

        return errors.IsEmpty ? (category!, title!, description, location, reporter, attachments.ToArray()) : null;
    }
}

public sealed record LocationInput(double? Lat, double? Long, string? Address);

public sealed record ReporterInput(string? Name, string? Phone);

public sealed record AttachmentInput(string? Kind, string? Url, string? Sha256, string? Caption);

/// <summary>The body of an action on an issue (<c>POST /api/v1/issues/{id}/{action}</c>).</summary>
public sealed record IssueActionInput(
    string? Note = null,
    [property: References(ReferenceKind.Member)] string? MemberId = null,
    [property: References(ReferenceKind.Unit)] string? To = null,
    int? Satisfaction = null,
    [property: References(ReferenceKind.Issue)] string? Of = null,
    string? By = null);

using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.Members;

/// <summary>The body of <c>POST /api/v1/members</c> and <c>PUT /api/v1/members/{id}</c>, as sent.</summary>
public sealed record MemberInput(
    string? Name,
    string? Gender,
    string? BirthDate,
    string? JoinedPartyOn,
    string? Education,
    string? Phone,
    [property: References(ReferenceKind.Unit)] string? Grid,
    string? Status,
    bool? HoldsOffice = null,
    MemberCardInput? Card = null)
{
    public const int MaxCardText = 1000;
    public const int MaxHoursPerMonth = 200;

    /// <summary>Checks the input; <paramref name="today"/> is today in China. Returns the details, or null with errors added.</summary>
    public MemberDetails? Validate(DateOnly today, ValidationErrors errors)
    {
        var name = Rules.RequiredText(errors, "name", Name, 50);
        if (!EnumNames.TryParse<Gender>(Gender, out var gender))
        {
            errors.Add("gender", EnumNames.Rule<Gender>(Gender));
        }
        var birth = Date(errors, "birthDate", BirthDate, today);
        if (birth is { } b && b < today.AddYears(-120))
        {
            errors.Add("birthDate", "must be within the last 120 years");
        }
        var joined = Date(errors, "joinedPartyOn", JoinedPartyOn, today);
        if (birth is { } born && joined is { } j && j < born.AddYears(18))
        {
            errors.Add("joinedPartyOn", $"must be on or after the member's 18th birthday, {PartyCalendar.Text(born.AddYears(18))} (党章: 年满十八岁)");
        }
        if (!Educations.TryParse(Education, out var education))
        {
            errors.Add("education", EnumNames.Rule<Education>(Education));
        }
        var phone = Rules.Phone(errors, "phone", Phone);
        if (!GridCode.TryParse(Grid, out var grid, out var gridError))
        {
            errors.Add("grid", gridError);
        }
        if (!EnumNames.TryParse<MemberStatus>(Status, out var status))
        {
            errors.Add("status", $"{EnumNames.Rule<MemberStatus>(Status)} (外出务工 is migrant)");
        }
        var card = (Card ?? new MemberCardInput(null, null, null, null)).Validate(errors);
        return errors.IsEmpty
            ? new MemberDetails(name!, gender, birth!.Value, joined!.Value, education, phone!, grid.ToString(), status, HoldsOffice ?? false, card!)
            : null;
    }

    internal static DateOnly? Date(ValidationErrors errors, string field, string? text, DateOnly today)
    {
        if (text is null)
        {
            errors.Add(field, "is required: a date YYYY-MM-DD");
            return null;
        }
        if (!PartyCalendar.TryParseDate(text, out var day))
        {
            errors.Add(field, "must be a date YYYY-MM-DD");
            return null;
        }
        if (day > today)
        {
            errors.Add(field, $"must not be in the future (today is {PartyCalendar.Text(today)} in China)");
            return null;
        }
        return day;
    }
}

/// <summary>党员信息卡 as sent.</summary>
public sealed record MemberCardInput(
    string? BasicStatus,
    string? DevelopmentCapability,
    IReadOnlyList<string?>? TechnicalSkills,
    WillingnessInput? Willingness)
{
    public MemberCard? Validate(ValidationErrors errors)
    {
        var basic = Rules.OptionalText(errors, "card.basicStatus", BasicStatus, MemberInput.MaxCardText, multiline: true);
        var capability = Rules.OptionalText(errors, "card.developmentCapability", DevelopmentCapability, MemberInput.MaxCardText, multiline: true);
        var skills = ServiceTags.Validate(errors, "card.technicalSkills", TechnicalSkills);
        var services = ServiceTags.Validate(errors, "card.willingness.servicesOffered", Willingness?.ServicesOffered);
        var hours = Willingness?.HoursPerMonth ?? 0;
        if (hours is < 0 or > MemberInput.MaxHoursPerMonth)
        {
            errors.Add("card.willingness.hoursPerMonth", $"must be from 0 to {MemberInput.MaxHoursPerMonth}");
        }
        return new MemberCard(basic, capability, skills, new Willingness(services, hours));
    }
}

public sealed record WillingnessInput(IReadOnlyList<string?>? ServicesOffered, int? HoursPerMonth);

/// <summary>The body of <c>POST /api/v1/members/{id}/transfer</c>.</summary>
public sealed record TransferInput([property: References(ReferenceKind.Unit)] string? ToGrid, string? On, string? Reason, string? By = null)
{
    public TransferRequest? Validate(DateOnly today, ValidationErrors errors)
    {
        if (!GridCode.TryParse(ToGrid, out var grid, out var gridError))
        {
            errors.Add("toGrid", gridError);
        }
        var on = On is null ? today : MemberInput.Date(errors, "on", On, today);
        var reason = Rules.RequiredText(errors, "reason", Reason, 500);
        var by = Rules.OptionalText(errors, "by", By);
        return errors.IsEmpty ? new TransferRequest(grid.ToString(), on!.Value, reason!, by) : null;
    }
}

/// <summary>The body of <c>PUT /api/v1/members/{id}/post</c>: which post, and how it was recommended.</summary>
public sealed record PostClaimInput(string? Post, string? Recommendation, string? RecommendedOn = null, string? Note = null, string? By = null)
{
    public PostClaim? Validate(DateOnly today, ValidationErrors errors)
    {
        if (!EnumNames.TryParse<Post>(Post, out var post))
        {
            errors.Add("post", $"{EnumNames.Rule<Post>(Post)} (the eight posts, 八大岗位)");
        }
        if (!EnumNames.TryParse<Recommendation>(Recommendation, out var recommendation))
        {
            errors.Add("recommendation", $"{EnumNames.Rule<Recommendation>(Recommendation)} (self 自我推荐, democratic 支部民主推荐)");
        }
        var on = RecommendedOn is null ? today : MemberInput.Date(errors, "recommendedOn", RecommendedOn, today);
        var note = Rules.OptionalText(errors, "note", Note, 500, multiline: true);
        var by = Rules.OptionalText(errors, "by", By);
        return errors.IsEmpty ? new PostClaim(post, recommendation, on!.Value, note, by) : null;
    }
}

/// <summary>The body of <c>POST /api/v1/members/{id}/post-work</c>.</summary>
public sealed record PostWorkInput(string? Kind, string? Date, string? Summary, [property: References(ReferenceKind.Issue)] string? IssueId = null, string? By = null)
{
    public (PostWorkKind Kind, DateOnly Date, string Summary, Guid? IssueId, string? By)? Validate(DateOnly today, ValidationErrors errors)
    {
        if (!EnumNames.TryParse<PostWorkKind>(Kind, out var kind))
        {
            errors.Add("kind", EnumNames.Rule<PostWorkKind>(Kind));
        }
        var date = Date is null ? today : MemberInput.Date(errors, "date", Date, today);
        var summary = Rules.RequiredText(errors, "summary", Summary, 2000);
        Guid? issue = null;
        if (IssueId is not null)
        {
            if (Guid.TryParse(IssueId, out var id))
            {
                issue = id;
            }
            else
            {
                errors.Add("issueId", "must be an issue id (a GUID)");
            }
        }
        var by = Rules.OptionalText(errors, "by", By);
        return errors.IsEmpty ? (kind, date!.Value, summary!, issue, by) : null;
    }
}

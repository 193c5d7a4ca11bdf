using System.Text.Json.Serialization;

namespace GridActors.Gateway.Open311;

// The answers of GeoReport v2, field for field. The JSON names are the spec's; the XML element names are the
// same (see Open311Answer). A field the spec defines but this server has no value for is written as null.

/// <summary>A service (服务类型): one category of the county's catalogue (事件分类).</summary>
public sealed record Open311Service(
    [property: JsonPropertyName("service_code")] string ServiceCode,
    [property: JsonPropertyName("service_name")] string ServiceName,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("metadata")] bool Metadata,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("keywords")] string? Keywords,
    [property: JsonPropertyName("group")] string? Group);

/// <summary>The extra fields of a service (服务定义): here the grid (网格) to report in when there is no location.</summary>
public sealed record Open311ServiceDefinition(
    [property: JsonPropertyName("service_code")] string ServiceCode,
    [property: JsonPropertyName("attributes")] IReadOnlyList<Open311Attribute> Attributes);

public sealed record Open311Attribute(
    [property: JsonPropertyName("variable")] bool Variable,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("datatype")] string Datatype,
    [property: JsonPropertyName("required")] bool Required,
    [property: JsonPropertyName("datatype_description")] string? DatatypeDescription,
    [property: JsonPropertyName("order")] int? Order,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("values")] IReadOnlyList<Open311AttributeValue> Values);

public sealed record Open311AttributeValue(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("name")] string Name);

/// <summary>A service request (诉求) as GET /requests shows it: no personal data of the reporter, ever.</summary>
public sealed record Open311Request(
    [property: JsonPropertyName("service_request_id")] string ServiceRequestId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("status_notes")] string? StatusNotes,
    [property: JsonPropertyName("service_name")] string? ServiceName,
    [property: JsonPropertyName("service_code")] string ServiceCode,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("agency_responsible")] string? AgencyResponsible,
    [property: JsonPropertyName("service_notice")] string? ServiceNotice,
    [property: JsonPropertyName("requested_datetime")] string RequestedDatetime,
    [property: JsonPropertyName("updated_datetime")] string? UpdatedDatetime,
    [property: JsonPropertyName("expected_datetime")] string? ExpectedDatetime,
    [property: JsonPropertyName("address")] string? Address,
    [property: JsonPropertyName("address_id")] string? AddressId,
    [property: JsonPropertyName("zipcode")] string? Zipcode,
    [property: JsonPropertyName("lat")] double? Lat,
    [property: JsonPropertyName("long")] double? Long,
    [property: JsonPropertyName("media_url")] string? MediaUrl);

/// <summary>The answer to POST /requests: the id at once (the request is stored before the answer), so no token.</summary>
public sealed record Open311Created(
    [property: JsonPropertyName("service_request_id")] string ServiceRequestId,
    [property: JsonPropertyName("service_notice")] string? ServiceNotice,
    [property: JsonPropertyName("account_id")] string? AccountId);

/// <summary>The answer to GET /tokens/{token}: here a token is the service_request_id itself.</summary>
public sealed record Open311Token(
    [property: JsonPropertyName("service_request_id")] string ServiceRequestId,
    [property: JsonPropertyName("token")] string Token);

/// <summary>An error as the spec writes it; answers carry an array of them.</summary>
public sealed record Open311Error(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("description")] string Description);

/// <summary>The discovery document (服务发现).</summary>
public sealed record Open311Discovery(
    [property: JsonPropertyName("changeset")] string Changeset,
    [property: JsonPropertyName("contact")] string Contact,
    [property: JsonPropertyName("key_service")] string KeyService,
    [property: JsonPropertyName("endpoints")] IReadOnlyList<Open311Endpoint> Endpoints);

public sealed record Open311Endpoint(
    [property: JsonPropertyName("specification")] string Specification,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("changeset")] string Changeset,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("formats")] IReadOnlyList<string> Formats);

/// <summary>The form fields of POST /requests (application/x-www-form-urlencoded), for the OpenAPI document.</summary>
public sealed record Open311RequestForm(
    [property: JsonPropertyName("api_key")] string ApiKey,
    [property: JsonPropertyName("jurisdiction_id")] string JurisdictionId,
    [property: JsonPropertyName("service_code")] string ServiceCode,
    [property: JsonPropertyName("lat")] double? Lat,
    [property: JsonPropertyName("long")] double? Long,
    [property: JsonPropertyName("address_string")] string? AddressString,
    [property: JsonPropertyName("address_id")] string? AddressId,
    [property: JsonPropertyName("attribute[grid_code]")] string? GridCode,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("device_id")] string? DeviceId,
    [property: JsonPropertyName("account_id")] string? AccountId,
    [property: JsonPropertyName("first_name")] string? FirstName,
    [property: JsonPropertyName("last_name")] string? LastName,
    [property: JsonPropertyName("phone")] string? Phone,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("media_url")] string? MediaUrl);

/// <summary>The form of the reporter's answer (GridActors extension): settled, satisfaction 1-5, comment.</summary>
public sealed record Open311ConfirmForm(
    [property: System.Text.Json.Serialization.JsonPropertyName("jurisdiction_id")] string JurisdictionId,
    [property: System.Text.Json.Serialization.JsonPropertyName("api_key")] string ApiKey,
    [property: System.Text.Json.Serialization.JsonPropertyName("settled")] bool Settled,
    [property: System.Text.Json.Serialization.JsonPropertyName("satisfaction")] int Satisfaction,
    [property: System.Text.Json.Serialization.JsonPropertyName("comment")] string? Comment);

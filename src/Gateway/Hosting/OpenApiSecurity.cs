using GridActors.Gateway.Access;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GridActors.Gateway.Hosting;

/// <summary>
/// How a caller authenticates, in the document's terms, so the /docs page can send a key and generated clients know
/// where to put it: an API key in <c>X-Api-Key</c>, or a staff member's bearer token (JWT) where the deployment signs
/// staff in. Each operation that needs credentials lists the two as alternatives; those whose <see cref="AccessPolicy"/>
/// is <see cref="AccessPolicy.Anyone"/> list none, from the same metadata the access checks decide by.
/// </summary>
internal sealed class OpenApiSecurity : IOpenApiDocumentTransformer
{
    public const string ApiKey = "ApiKey";
    public const string Bearer = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        // AddComponent also registers the schemes with the document's workspace, which resolves the operations' references.
        document.AddComponent<IOpenApiSecurityScheme>(ApiKey, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-Api-Key",
            Description = "接口密钥: the secret of an API key (gak.…), issued by POST /api/v1/keys; its roles and jurisdiction decide what it may do.",
        });
        document.AddComponent<IOpenApiSecurityScheme>(Bearer, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "工作人员登录: a staff member's access token from the deployment's identity provider (Auth:Jwt), with the same roles and jurisdiction claims as a key.",
        });
        return Task.CompletedTask;
    }

    /// <summary>The operation transformer: both alternatives on every operation that needs credentials, none on the public ones.</summary>
    public static Task ApplyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<AccessPolicy>().LastOrDefault() is { Anonymous: true })
        {
            return Task.CompletedTask;
        }
        operation.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKey, context.Document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] },
        ];
        return Task.CompletedTask;
    }
}

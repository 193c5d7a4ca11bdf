using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using GridActors.Gateway.Hosting;
using GridActors.Grains.GridStaff;
using GridActors.Grains.Households;
using GridActors.Grains.Issues;
using GridActors.Grains.Members;
using GridActors.Grains.Validation;

namespace GridActors.Gateway.Access;

/// <summary>
/// Checks every record a request body names (<see cref="ReferencesAttribute"/>) against the caller's jurisdiction
/// before the handler runs, so no handler can forget it: a unit outside the jurisdiction is 403 (its code is the
/// caller's own input and says nothing new); a member or issue that is outside it is answered exactly as one that does
/// not exist (404), so a key learns nothing about another county. Households and grid workers are kept per grid and are
/// named only within the grid of the request's path (<c>{code}</c>): one of another grid is, for that request, one that
/// does not exist.
/// </summary>
/// <remarks>
/// Applied as a filter factory to the whole API: an endpoint whose parameters name no record gets no filter at all.
/// Only values in the right form are looked up; a malformed one is left to the handler's validation (400).
/// </remarks>
internal static class BodyReferences
{
    public static EndpointFilterDelegate Factory(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var parameters = context.MethodInfo.GetParameters();
        var checkedArguments = Enumerable.Range(0, parameters.Length).Where(i => Walker.For(parameters[i].ParameterType).Any).ToArray();
        if (checkedArguments.Length == 0)
        {
            return next;
        }
        return async invocation =>
        {
            var found = new List<(string Field, ReferenceKind Kind, string Value)>();
            foreach (var i in checkedArguments)
            {
                Walker.For(parameters[i].ParameterType).Collect(invocation.Arguments[i], "", found);
            }
            foreach (var (field, kind, value) in found)
            {
                if (await Refusal(invocation.HttpContext, field, kind, value) is { } refusal)
                {
                    return refusal;
                }
            }
            return await next(invocation);
        };
    }

    private static async Task<IResult?> Refusal(HttpContext http, string field, ReferenceKind kind, string value)
    {
        var caller = http.Caller();
        var grains = http.RequestServices.GetRequiredService<IGrainFactory>();
        switch (kind)
        {
            case ReferenceKind.Unit when Grains.Units.UnitCode.TryParse(value, out _, out _) && !caller.Covers(value):
                return TypedResults.Problem(title: "Forbidden", detail: $"{field}: unit {value} is outside this key's jurisdiction.", statusCode: StatusCodes.Status403Forbidden,
                    type: ProblemTypes.Forbidden, extensions: new Dictionary<string, object?> { ["errors"] = Errors(field, $"unit {value} is outside this key's jurisdiction") });
            case ReferenceKind.Member when Guid.TryParse(value, out var id):
                var member = await grains.GetMember(id).Get();
                return member is null || !caller.Covers(member.Details.Grid) ? Missing(field, $"no member {value} exists") : null;
            case ReferenceKind.Issue when Guid.TryParse(value, out var id):
                var issue = await grains.GetGrain<IIssueGrain>(id).Get();
                return issue is null || !(caller.Covers(issue.OriginGrid) || caller.Covers(issue.Holder)) ? Missing(field, $"no issue {value} exists") : null;
            case ReferenceKind.Household when Guid.TryParse(value, out var id):
                return PathGrid(http) is not { } grid || await grains.GetGrain<IGridHouseholdsGrain>(grid.ToString()).Get(id) is null
                    ? Missing(field, $"no household {value} is registered in this grid")
                    : null;
            case ReferenceKind.GridWorker when Guid.TryParse(value, out var id):
                return PathGrid(http) is not { } workerGrid || await grains.GetGridStaff(workerGrid).Worker(id) is null
                    ? Missing(field, $"no worker {value} works in this grid (GET the grid's workers)")
                    : null;
            default:
                return null;
        }
    }

    /// <summary>
    /// The grid of the request's path, when the caller's jurisdiction covers it. The access gate has refused a grid outside
    /// it already; checking again here keeps a household or worker of another county unreachable whatever the order.
    /// </summary>
    private static Grains.Units.GridCode? PathGrid(HttpContext http) =>
        http.Request.RouteValues.TryGetValue("code", out var code) && code is string text
        && Grains.Units.GridCode.TryParse(text, out var grid, out _) && http.Caller().Covers(grid.ToString())
            ? grid
            : null;

    /// <summary>A record the body names that does not exist, or that the caller may not see: the same answer for both.</summary>
    private static IResult Missing(string field, string rule) =>
        TypedResults.Problem(title: "Not found", detail: $"{field}: {rule}.", statusCode: StatusCodes.Status404NotFound,
            type: ProblemTypes.NotFound, extensions: new Dictionary<string, object?> { ["errors"] = Errors(field, rule) });

    private static Dictionary<string, string[]> Errors(string field, string rule) => new() { [field] = [rule] };

    /// <summary>The referencing fields of one type, found once by reflection, and the nested types that hold more.</summary>
    private sealed class Walker
    {
        private static readonly ConcurrentDictionary<Type, Walker> Walkers = new();
        private static readonly Walker None = new([]);

        private readonly (PropertyInfo Property, string Name, ReferenceKind? Kind, Walker? Nested, bool IsList)[] _fields;

        private Walker((PropertyInfo, string, ReferenceKind?, Walker?, bool)[] fields) => _fields = fields;

        public bool Any => _fields.Length > 0;

        public static Walker For(Type type) => Walkers.TryGetValue(type, out var walker) ? walker : Build(type, []);

        private static Walker Build(Type type, HashSet<Type> building)
        {
            if (Walkers.TryGetValue(type, out var known))
            {
                return known;
            }
            // Request records live in the project's own assemblies; framework types (HttpContext, services) hold no references.
            if (type.Assembly.GetName().Name?.StartsWith("GridActors", StringComparison.Ordinal) != true || !building.Add(type))
            {
                return None;
            }
            var fields = new List<(PropertyInfo, string, ReferenceKind?, Walker?, bool)>();
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0)
                {
                    continue;
                }
                var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                var element = ElementType(property.PropertyType);
                var isList = element is not null;
                if (property.GetCustomAttribute<ReferencesAttribute>() is { } reference)
                {
                    fields.Add((property, name, reference.Kind, null, isList));
                }
                else if (Build(Nullable.GetUnderlyingType(element ?? property.PropertyType) ?? element ?? property.PropertyType, building) is { Any: true } nested)
                {
                    fields.Add((property, name, null, nested, isList));
                }
            }
            building.Remove(type);
            return Walkers.GetOrAdd(type, fields.Count == 0 ? None : new Walker(fields.ToArray()));
        }

        private static Type? ElementType(Type type) =>
            type == typeof(string) ? null
            : type.IsArray ? type.GetElementType()
            : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

        public void Collect(object? value, string path, List<(string, ReferenceKind, string)> found)
        {
            if (value is null)
            {
                return;
            }
            foreach (var (property, name, kind, nested, isList) in _fields)
            {
                var field = path.Length == 0 ? name : $"{path}.{name}";
                var items = isList ? (property.GetValue(value) as IEnumerable)?.Cast<object?>().ToArray() ?? [] : [property.GetValue(value)];
                for (var i = 0; i < items.Length; i++)
                {
                    var at = isList ? $"{field}[{i}]" : field;
                    if (kind is { } k && items[i] is string text)
                    {
                        found.Add((at, k, text.Trim()));
                    }
                    else
                    {
                        nested?.Collect(items[i], at, found);
                    }
                }
            }
        }
    }
}

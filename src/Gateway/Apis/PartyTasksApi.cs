using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.PartyBranches;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.PartyTasks;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using static GridActors.Gateway.Apis.PartyApiSupport;

namespace GridActors.Gateway.Apis;

/// <summary>Tasks down the network (交办): village branch → Party groups → members, and completion back up.</summary>
public static class PartyTasksApi
{
    public static IEndpointRouteBuilder MapPartyTasksApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Party tasks").AnswersConflict();
        api.MapPost("/villages/{code}/party-tasks", CreateTask)
            .HonoursIdempotencyKey()
            .WithName("CreatePartyTask")
            .WithSummary("Hand a task to Party groups")
            .WithDescription("交办: the village branch (村党支部) hands a task (title, description, due date YYYY-MM-DD) to one or more of its Party groups (grid codes). "
                + "When the due day ends (00:00 China time) with a group's share not done, the task is flagged overdue by itself and a warning goes to the branch. "
                + "An Idempotency-Key makes a retry return the first task.");
        api.MapGet("/villages/{code}/party-tasks", ListVillageTasks)
            .WithName("ListVillagePartyTasks")
            .WithSummary("List the tasks a village branch handed down")
            .WithDescription("交办任务: by due date, with each group's state (assigned / inProgress / done, parts done of parts) rolled up from members; "
                + "status=assigned|inProgress|done and overdue=true|false filter.");
        api.MapGet("/grids/{code}/party-group/tasks", ListGroupTasks)
            .WithName("ListPartyGroupTasks")
            .WithSummary("List the tasks handed to a grid's Party group")
            .WithDescription("交办任务 of the group, by due date.");
        api.MapGet("/party-tasks/{id}", GetTask)
            .WithName("GetPartyTask")
            .WithSummary("Read a task with every group's share and every member's part")
            .WithDescription("交办任务: status rolled up (a share is done when all its parts are, the task when all shares are), overdue, evidence reported.");
        api.MapPost("/party-tasks/{id}/groups/{code}/split", SplitTask)
            .WithName("SplitPartyTask")
            .WithSummary("Split a group's share among its members")
            .WithDescription("组长分解任务: by (the group leader's member id; anyone else is refused) and parts (memberId of a member of the group, work). "
                + "Splitting again replaces the parts not yet done.");
        api.MapPost("/party-tasks/{id}/groups/{code}/members/{memberId}/done", ReportDone)
            .WithName("ReportPartyTaskPartDone")
            .WithSummary("Report a member's part done, with evidence")
            .WithDescription("完成反馈: note and evidence (at least one photo, document or certificate: kind, url, caption). The state rolls back up to the group and the task.");
        return endpoints;
    }

    private static async Task<Results<Ok<PartyTaskView>, Created<PartyTaskView>, ValidationProblem, ProblemHttpResult>> CreateTask(
        [Registered] VillageValue code, PartyTaskInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        VillageCode village = code;
        var key = IdempotencyKey(http, errors);
        var task = body.Validate(village, Today(clock), errors);
        if (task is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var result = await grains.GetGrain<IPartyTaskGrain>(NewId($"party-task/{village}", key)).Create(task with { Fingerprint = Fingerprint(task), Actor = http.Caller().Actor });
        return Answer(result, t => t, http, t => $"/api/v1/party-tasks/{t.Id}");
    }

    private static async Task<Results<Ok<ListResponse<TaskSummary>>, ValidationProblem, ProblemHttpResult>> ListVillageTasks(
        [Registered] VillageValue code, EnumValue<PartyTaskStatus>? status, bool? overdue, [AsParameters] Paging paging, IGrainFactory grains, GridClock clock)
    {
        VillageCode village = code;
        var filter = status?.Value;
        var tasks = (await grains.GetGrain<IVillageBranchGrain>(village.ToString()).Tasks(null)).Select(t => Current(t, clock)).ToArray();
        return TypedResults.Ok(paging.Of(tasks.Where(t => (filter is null || t.Status == filter) && (overdue is null || t.Overdue == overdue)).ToArray()));
    }

    private static async Task<Results<Ok<ListResponse<TaskSummary>>, ValidationProblem, ProblemHttpResult>> ListGroupTasks(
        [Registered] GridValue code, [AsParameters] Paging paging, IGrainFactory grains, GridClock clock)
    {
        GridCode grid = code;
        var tasks = await grains.GetGrain<IVillageBranchGrain>(grid.Village.ToString()).Tasks(grid.ToString());
        return TypedResults.Ok(paging.Of(tasks.Select(t => Current(t, clock)).ToArray()));
    }

    private static async Task<Results<Ok<PartyTaskView>, ValidationProblem, ProblemHttpResult>> GetTask(string id, HttpContext http, IGrainFactory grains)
    {
        if (!Guid.TryParse(id, out var taskId))
        {
            return Problems.Invalid("id", "must be a task id (a GUID)");
        }
        var task = await grains.GetGrain<IPartyTaskGrain>(taskId).Get();
        return task is null || !Visible(http, task) ? Problems.NotFound($"No task {id} exists.") : TypedResults.Ok(task);
    }

    /// <summary>
    /// A task belongs to its village and to the grids of the groups it was handed to: a key of the village (or above)
    /// or of one of those grids sees it, as it sees the task in its village's or grid's list. Outside, a read is 404.
    /// </summary>
    private static bool Visible(HttpContext http, PartyTaskView task) =>
        AccessRules.CanRead(http, [task.Village, .. task.Groups.Select(g => g.Grid)]);

    /// <summary>
    /// A write to a task outside the key's jurisdiction is 403, as for members: the grid in the path is checked by
    /// <see cref="AccessRules"/>, but it need not be one of the task's, so the task itself is checked too.
    /// An unknown task is left to the grain (404).
    /// </summary>
    private static async Task<ProblemHttpResult?> RefuseWrite(Guid taskId, HttpContext http, IGrainFactory grains) =>
        await grains.GetGrain<IPartyTaskGrain>(taskId).Get() is { } task && !Visible(http, task)
            ? TypedResults.Problem(title: "Forbidden", detail: $"Task {taskId} belongs to village {task.Village}, outside this key's jurisdiction.",
                statusCode: StatusCodes.Status403Forbidden, type: ProblemTypes.Forbidden)
            : null;

    private static async Task<Results<Ok<PartyTaskView>, ValidationProblem, ProblemHttpResult>> SplitTask(
        string id, [Registered] GridValue code, SplitInput body, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var taskId = ParseId(id, "id", "a task id (a GUID)", errors);
        GridCode grid = code;
        var split = body.Validate(errors);
        if (split is not { } s || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await RefuseWrite(taskId!.Value, http, grains) is { } refused)
        {
            return refused;
        }
        return Changed(await grains.GetGrain<IPartyTaskGrain>(taskId!.Value).Split(grid.ToString(), s.By, s.Parts, http.Caller().Actor), t => t);
    }

    private static async Task<Results<Ok<PartyTaskView>, ValidationProblem, ProblemHttpResult>> ReportDone(
        string id, [Registered] GridValue code, string memberId, DoneInput body, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var taskId = ParseId(id, "id", "a task id (a GUID)", errors);
        GridCode grid = code;
        var member = ParseId(memberId, "memberId", "a member id (a GUID)", errors);
        var note = Rules.RequiredText(errors, "note", body.Note, 2000);
        var evidence = EvidenceInput.Validate(errors, "evidence", body.Evidence, required: true);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await RefuseWrite(taskId!.Value, http, grains) is { } refused)
        {
            return refused;
        }
        return Changed(await grains.GetGrain<IPartyTaskGrain>(taskId!.Value).ReportDone(grid.ToString(), member!.Value, note!, evidence, http.Caller().Actor), t => t);
    }

    /// <summary>A summary as of now: past its due day and not done is overdue even before the wake-up has flagged it.</summary>
    private static TaskSummary Current(TaskSummary t, GridClock clock)
    {
        var late = t.Status != PartyTaskStatus.Done && clock.GetUtcNow() >= PartyCalendar.EndOf(t.Due);
        return late && !t.Overdue
            ? t with { Overdue = true, Groups = t.Groups.Select(g => g.Status == PartyTaskStatus.Done ? g : g with { Overdue = true }).ToArray() }
            : t;
    }
}

using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Stars;

namespace GridActors.Grains.Commitments;

internal sealed class CommitmentGrain(
    [PersistentState("commitment-book", StorageNames.Grains)] IPersistentState<CommitmentState> state,
    GridClock clock) : Grain, ICommitmentGrain
{
    // The date is left out: a retry after midnight of a request that named no date would otherwise differ. The actor is
    // compared: the record's id comes from the caller-scoped Idempotency-Key, so another caller's retry never lands
    // here, and a record must never be answered as made by someone who did not make it.
    private static bool SameProgress(ProgressRecord recorded, NewProgress retry) =>
        recorded.Item == retry.Item && recorded.Amount == retry.Amount && recorded.Note == retry.Note
        && recorded.By == retry.By && recorded.Actor == retry.Actor && recorded.Files.SequenceEqual(retry.Files)
        && recorded.Links.Select(l => (l.Kind, l.Id)).SequenceEqual(retry.Links.Select(l => (l.Kind, l.Id)));

    private CommitmentState S => state.State;

    public async Task<PartyResult<CommitmentView>> Draft(string ownerName, string grid, IReadOnlyList<CommitmentItem> items, string? by, Actor? actor = null)
    {
        if (S.Exists && S.Status != CommitmentStatus.Drafted)
        {
            return PartyResult.Conflict<CommitmentView>(
                $"the commitments are {Name(S.Status)} (status {S.Status}) and can no longer be edited; record progress (践诺) instead");
        }
        var (kind, id, year) = CommitmentKeys.Parse(this.GetPrimaryKeyString());
        var created = !S.Exists;
        S.Exists = true;
        (S.Owner, S.OwnerId, S.Year, S.OwnerName, S.Grid) = (kind, id, year, ownerName, grid);
        S.Items = [.. items];
        S.History.Add(new CommitmentEvent(clock.GetUtcNow(), created ? "drafted (定诺)" : "draft changed", by, actor));
        await Write();
        return PartyResult.Ok(View(), created);
    }

    public async Task<PartyResult<CommitmentView>> Publish(string? by, Actor? actor = null)
    {
        if (!S.Exists)
        {
            return PartyResult.NotFound<CommitmentView>("No commitments are drafted for this owner and year.");
        }
        if (S.Status != CommitmentStatus.Drafted)
        {
            return PartyResult.Conflict<CommitmentView>($"the commitments are already {Name(S.Status)} (status {S.Status})");
        }
        S.Status = CommitmentStatus.Published;
        S.PublishedAt = clock.GetUtcNow();
        S.History.Add(new CommitmentEvent(S.PublishedAt.Value, "published (亮诺)", by, actor));
        await Write();
        return PartyResult.Ok(View());
    }

    public async Task<PartyResult<CommitmentView>> RecordProgress(NewProgress progress)
    {
        if (!S.Exists)
        {
            return PartyResult.NotFound<CommitmentView>("No commitments are drafted for this owner and year.");
        }
        if (S.Progress.FirstOrDefault(p => p.Id == progress.Id) is { } recorded)
        {
            // A retry with the same Idempotency-Key: the same record again, or a different one under a used key.
            return SameProgress(recorded, progress) ? PartyResult.Ok(View()) : PartyResult.Mismatch<CommitmentView>();
        }
        if (S.Status is CommitmentStatus.Drafted or CommitmentStatus.Evaluated)
        {
            return PartyResult.Conflict<CommitmentView>(S.Status == CommitmentStatus.Drafted
                ? "the commitments are drafted (status Drafted): publish them (亮诺) before recording progress"
                : "the commitments are evaluated (status Evaluated): the year's progress is closed");
        }
        if (S.Items.All(i => i.No != progress.Item))
        {
            return PartyResult.Invalid<CommitmentView>("item", $"must be the number of an item (1 to {S.Items.Count})");
        }
        if (progress.Date.Year != S.Year)
        {
            return PartyResult.Invalid<CommitmentView>("date", $"must be in {S.Year}, the commitments' year");
        }
        var links = new List<LinkedEvidence>();
        var checker = new EvidenceChecker(GrainFactory, S.Owner, S.OwnerId, S.Grid);
        for (var i = 0; i < progress.Links.Count; i++)
        {
            var (linked, rule) = await checker.Check(progress.Links[i]);
            if (linked is null)
            {
                return PartyResult.Invalid<CommitmentView>($"links[{i}].id", rule!);
            }
            links.Add(linked);
        }
        var now = clock.GetUtcNow();
        S.Progress.Add(new ProgressRecord(progress.Id, progress.Item, progress.Date, progress.Amount, progress.Note, links, progress.Files, now, progress.By, progress.Actor));
        if (S.Status == CommitmentStatus.Published)
        {
            S.Status = CommitmentStatus.Fulfilling;
            S.History.Add(new CommitmentEvent(now, "fulfilling (践诺): first progress recorded", progress.By, progress.Actor));
        }
        await Write();
        return PartyResult.Ok(View(), true);
    }

    public async Task<PartyResult<CommitmentView>> Evaluate(IReadOnlyList<EvaluationScore> scores, Actor? actor = null)
    {
        if (!S.Exists)
        {
            return PartyResult.NotFound<CommitmentView>("No commitments are drafted for this owner and year.");
        }
        if (S.Status == CommitmentStatus.Drafted)
        {
            return PartyResult.Conflict<CommitmentView>("the commitments are drafted (status Drafted): only published commitments are evaluated (评诺)");
        }
        for (var i = 0; i < scores.Count; i++)
        {
            if (S.Items.All(it => it.No != scores[i].Item))
            {
                return PartyResult.Invalid<CommitmentView>($"scores[{i}].item", $"must be the number of an item (1 to {S.Items.Count})");
            }
        }
        var now = clock.GetUtcNow();
        S.Evaluations.AddRange(scores.Select(s => s with { RecordedAt = now, Actor = actor }));
        if (S.Status != CommitmentStatus.Evaluated)
        {
            S.Status = CommitmentStatus.Evaluated;
            S.EvaluatedAt = now;
        }
        S.History.Add(new CommitmentEvent(now, $"evaluated (评诺): {scores.Count} scores", null, actor));
        await Write();
        return PartyResult.Ok(View());
    }

    public async Task<PartyResult<CommitmentView>> Decide(CommitmentDecision decision)
    {
        if (!S.Exists)
        {
            return PartyResult.NotFound<CommitmentView>("No commitments are drafted for this owner and year.");
        }
        if (S.Decisions.FirstOrDefault(d => d.Id == decision.Id) is { } recorded)
        {
            return recorded.Kind == decision.Kind && recorded.Text == decision.Text && recorded.By == decision.By && recorded.Actor == decision.Actor
                ? PartyResult.Ok(View())
                : PartyResult.Mismatch<CommitmentView>();
        }
        if (S.Status != CommitmentStatus.Evaluated)
        {
            return PartyResult.Conflict<CommitmentView>($"the commitments are {Name(S.Status)} (status {S.Status}): rewards and penalties follow the evaluation (评诺)");
        }
        var now = clock.GetUtcNow();
        S.Decisions.Add(decision with { RecordedAt = now });
        S.History.Add(new CommitmentEvent(now, $"{decision.Kind}: {decision.Text}", decision.By, decision.Actor));
        await Write();
        return PartyResult.Ok(View(), true);
    }

    public Task<CommitmentView?> Get() => Task.FromResult(S.Exists ? View() : null);

    private async Task Write()
    {
        S.Version++;
        await state.WriteStateAsync();
    }

    private static string Name(CommitmentStatus status) => status switch
    {
        CommitmentStatus.Drafted => "drafted (定诺)",
        CommitmentStatus.Published => "published (亮诺)",
        CommitmentStatus.Fulfilling => "being fulfilled (践诺)",
        _ => "evaluated (评诺)",
    };

    private CommitmentView View() => new(S.Owner, S.OwnerId, S.OwnerName, S.Grid, S.Year, S.Status, [.. S.Items], [.. S.Progress], [.. S.Evaluations],
        [.. S.Decisions], [.. S.History], S.PublishedAt, S.EvaluatedAt, S.Version);
}

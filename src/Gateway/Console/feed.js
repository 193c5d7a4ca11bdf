// The live feed of a unit page: waits on the feed API (a long poll: the server answers when an event arrives or after
// 20 s) and adds each new event at the top of the list, so escalations and overdue issues appear without a reload.
(() => {
  const feed = document.getElementById("feed");
  if (!feed) return;
  const list = document.getElementById("feed-items");
  const state = document.getElementById("feed-state");
  const labels = JSON.parse(feed.dataset.labels);
  const english = feed.dataset.lang === "en";
  let cursor = feed.dataset.cursor;
  let failures = 0;

  const time = (iso) => {
    const at = new Date(new Date(iso).getTime() + 8 * 3600 * 1000);
    const two = (n) => String(n).padStart(2, "0");
    return `${two(at.getUTCMonth() + 1)}-${two(at.getUTCDate())} ${two(at.getUTCHours())}:${two(at.getUTCMinutes())}`;
  };

  const add = (item) => {
    const li = document.createElement("li");
    li.className = `feed-item ${item.kind} fresh`;
    li.dataset.kind = item.kind;
    const when = document.createElement("time");
    when.textContent = time(item.at);
    const kind = document.createElement("span");
    kind.className = "pill";
    kind.textContent = labels[item.kind] ?? item.kind;
    const link = document.createElement("a");
    link.href = `/console/issues/${item.issueId}`;
    link.textContent = item.title;
    const unit = document.createElement("span");
    unit.className = "muted";
    unit.textContent = item.unit;
    li.append(when, " ", kind, " ", link, " ", unit);
    list.prepend(li);
    while (list.children.length > 100) list.lastElementChild.remove();
    document.getElementById("feed-empty")?.remove();
  };

  const poll = async () => {
    try {
      const answer = await fetch(`${feed.dataset.api}?after=${encodeURIComponent(cursor)}&wait=20`, {
        credentials: "same-origin", headers: { Accept: "application/json" },
      });
      if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
      const page = await answer.json();
      page.items.forEach(add);
      cursor = page.cursor;
      feed.dataset.cursor = cursor;
      failures = 0;
      state.textContent = english ? "● live" : "● 实时";
      setTimeout(poll, 0);
    } catch {
      failures++;
      state.textContent = english ? "reconnecting…" : "正在重新连接…";
      setTimeout(poll, Math.min(30000, 1000 * 2 ** failures));
    }
  };
  poll();
})();

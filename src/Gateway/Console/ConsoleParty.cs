namespace GridActors.Gateway.Console;

/// <summary>Party network and organisation words as staff read them (the API answers camelCase names; these are their Chinese).</summary>
public static class ConsoleParty
{
    private static readonly Dictionary<string, (string Zh, string En)> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        // The eight posts (八大岗位).
        ["informationCollector"] = ("信息收集员", "information collector"),
        ["sanitationKeeper"] = ("环境卫生员", "sanitation keeper"),
        ["securityPatroller"] = ("治安巡逻员", "security patroller"),
        ["disputeMediator"] = ("纠纷调解员", "dispute mediator"),
        ["policyPromoter"] = ("政策宣传员", "policy promoter"),
        ["cultureSportsOrganizer"] = ("文体活动员", "culture and sports organiser"),
        ["careHelper"] = ("关爱帮扶员", "care helper"),
        ["disciplineSupervisor"] = ("党风监督员", "discipline supervisor"),
        // Member status.
        ["resident"] = ("在村", "resident"),
        ["migrant"] = ("外出务工", "migrant"),
        ["elderly"] = ("年老体弱", "elderly"),
        ["other"] = ("其他", "other"),
        // Recommendation.
        ["self"] = ("自我推荐", "self"),
        ["democratic"] = ("民主推荐", "democratic"),
        // Monthly activity.
        ["held"] = ("已开展", "held"),
        ["missing"] = ("未开展", "missing"),
        ["pending"] = ("本月待开展", "due this month"),
        ["notDue"] = ("尚未成立", "not due"),
        ["notSetUp"] = ("未建党小组", "not set up"),
        ["policyStudy"] = ("政策学习", "policy study"),
        ["contactingResidents"] = ("联系群众", "contacting residents"),
        ["service"] = ("志愿服务", "service"),
        // Tasks.
        ["assigned"] = ("已下达", "assigned"),
        ["split"] = ("已分解", "split"),
        ["inProgress"] = ("进行中", "in progress"),
        ["done"] = ("已完成", "done"),
        // Pairings.
        ["active"] = ("帮扶中", "active"),
        ["ended"] = ("已结束", "ended"),
        // Service tags.
        ["elderlyCare"] = ("养老照护", "elderly care"),
        ["farmingTechniques"] = ("农业技术", "farming techniques"),
        ["electricalRepair"] = ("电器维修", "electrical repair"),
        ["legalAid"] = ("法律援助", "legal aid"),
        ["jobSearch"] = ("就业帮助", "job search"),
        // Ratings and commitments.
        ["notPublished"] = ("未公示", "not published"),
        ["provisional"] = ("公示中", "under notice"),
        ["final"] = ("已确定", "final"),
        ["drafted"] = ("定诺（草稿）", "drafted"),
        ["published"] = ("已亮诺", "published"),
        ["evaluated"] = ("已评诺", "evaluated"),
        ["members"] = ("党员", "members"),
        ["group"] = ("党小组", "group"),
        ["residents"] = ("群众", "residents"),
        // Education and age bands (leadership).
        ["primary"] = ("小学", "primary"),
        ["junior"] = ("初中", "junior secondary"),
        ["senior"] = ("高中", "senior secondary"),
        ["vocational"] = ("中专", "vocational"),
        ["college"] = ("大专", "college"),
        ["bachelor"] = ("本科", "bachelor"),
        ["master"] = ("硕士", "master"),
        ["doctorate"] = ("博士", "doctorate"),
        ["under35"] = ("35岁以下", "under 35"),
        ["35to44"] = ("35-44岁", "35-44"),
        ["45to54"] = ("45-54岁", "45-54"),
        ["55to59"] = ("55-59岁", "55-59"),
        ["60andOver"] = ("60岁以上", "60 and over"),
        ["male"] = ("男", "male"),
        ["female"] = ("女", "female"),
    };

    /// <summary>The word for an API value; the value itself when the console has no word for it (a tag kept as written).</summary>
    public static string Say(string? value, bool english) =>
        value is null ? "" : Words.TryGetValue(value, out var w) ? (english ? w.En : w.Zh) : value;

    /// <summary>Stars as a board shows them: ★★★☆☆, or a dash when not rated.</summary>
    public static string StarText(System.Text.Json.Nodes.JsonNode? stars) =>
        stars is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<int>(out var n) && n is >= 0 and <= 5 ? new string('★', n) + new string('☆', 5 - n) : "–";

    public static string Tone(string? value) => value switch
    {
        "held" or "done" or "final" or "active" => "ok",
        "missing" => "bad",
        "pending" or "provisional" or "inProgress" or "split" => "warn",
        _ => "",
    };
}

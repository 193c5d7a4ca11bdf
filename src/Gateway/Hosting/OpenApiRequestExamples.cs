using System.Text.Json.Nodes;

namespace GridActors.Gateway.Hosting;

/// <summary>
/// The request example of each operation that takes a JSON body, written per operation because a schema alone cannot
/// say what the API accepts: a county's name is not a grid's, a deadline is a duration, a term needs one branch
/// secretary, a party group two instructors. Each is one a county would send, and a test sends every one of them (in
/// the order a county sets up: units, members, groups, households, issues, ...) and expects the documented success.
/// </summary>
/// <remarks>
/// Records a body names use the ids below (<see cref="Member"/>, ...); a client trying an example substitutes its own. Dates fit the first days of
/// March 2026 (the deadlines and notice periods the examples imply are counted from then).
/// </remarks>
internal static class OpenApiRequestExamples
{
    /// <summary>The member an example names (a party member of grid 340822100201003).</summary>
    public const string Member = "0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a";

    /// <summary>The issue an example names.</summary>
    public const string Issue = "0195f3c2-7d10-7a2b-8c3d-4e5f60718293";

    /// <summary>The household an example names.</summary>
    public const string Household = "0195f3c2-6c21-7b3c-9d4e-5f6071829304";

    /// <summary>The resumable upload an example names.</summary>
    public const string Upload = "6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5";

    /// <summary>The grid worker an example names (a worker of grid 340822100201003).</summary>
    public const string Worker = "0195f3c2-5b32-7c4d-8e5f-60718293a4b5";

    /// <summary>The confirmation link token an example names (a real one is read from a resolved issue's confirmLink).</summary>
    public const string ConfirmToken = "confirm-token-of-a-resolved-issue";

    private static readonly Dictionary<string, string> ByOperation = new(StringComparer.Ordinal)
    {
        ["AttachUpload"] = $$"""{"uploadId":"{{Upload}}","kind":"photo","caption":"现场照片","useLocation":true}""",
        ["PutProvince"] = """{"name":"安徽省","usesCities":true}""",
        ["PutCity"] = """{"name":"安庆市"}""",
        ["PutCounty"] = """{"name":"怀宁县"}""",
        ["PutTownship"] = """{"name":"高河镇"}""",
        ["PutVillage"] = """{"name":"董屋村","kind":"village"}""",
        ["PutGrid"] = """{"name":"董屋网格","villagerGroups":["董屋组"],"leader":{"name":"董明","phone":"13955612345"}}""",
        ["CreateWebhook"] = """{"unit":"340822100201","url":"https://hooks.example.org/gridactors","events":["reported","escalated","resolved","overdue"]}""",
        ["ReplayWebhook"] = """{"from":"2026-03-02T00:00:00+08:00","to":"2026-03-03T00:00:00+08:00"}""",
        ["CreateKey"] = """{"app":"12345热线","jurisdiction":"340822","roles":["reporter"]}""",
        ["ResetStaffPassword"] = """{"password":"dongwu-reset-2026"}""",
        ["CreateStaff"] = """{"username":"dongming","displayName":"董明","password":"dongwu-grid-2026","jurisdiction":"340822100201","roles":["reader","handler"]}""",
        ["PutCategory"] = """{"name":"邻里纠纷","deadlines":{"grid":"P3D","village":"P5D","township":"P7D","county":"P10D"},"lowestLevel":"grid","suggestedPost":"DisputeMediator"}""",
        ["PutMyNotificationSettings"] = """{"phone":"13955612345","email":"dongming@example.org","channels":{"reported":["sms","inbox"],"handedDown":["inbox"],"deadlinePassed":[]}}""",
        ["ReportIssue"] = """{"category":"neighbour-dispute","title":"宅基地边界纠纷","description":"两户因宅基地边界争执，需网格调解","location":{"lat":30.41,"long":116.61,"address":"董屋组12号"},"reporter":{"name":"张三","phone":"13955612345"},"attachments":[{"kind":"photo","url":"https://example.org/photos/1.jpg","sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","caption":"现场照片"}],"by":"网格员董明"}""",
        ["AcceptIssue"] = """{"note":"网格员已受理","by":"网格员董明"}""",
        ["AssignIssue"] = """{"memberId":"0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a","note":"请党员王建国上门了解","by":"网格员董明"}""",
        ["ResolveIssue"] = """{"note":"已上门调解，双方签字确认边界","by":"网格员董明"}""",
        ["CloseIssue"] = """{"satisfaction":5,"note":"回访满意","by":"网格员董明"}""",
        ["ConfirmIssue"] = """{"settled":true,"satisfaction":5,"comment":"边界桩已重新埋好，满意","by":"12345热线回访"}""",
        ["ConfirmIssueByLink"] = $$"""{"token":"{{ConfirmToken}}","settled":false,"satisfaction":2,"comment":"边界桩又被移动了"}""",
        ["ReopenIssue"] = """{"note":"边界桩又被移动","by":"网格员董明"}""",
        ["EscalateIssue"] = """{"note":"涉及两个村民小组，需村里协调","by":"网格员董明"}""",
        ["HandDownIssue"] = """{"to":"340822100201003","note":"请网格继续跟进","by":"村委会"}""",
        ["RejectIssue"] = """{"note":"不属于网格事项","by":"网格员董明"}""",
        ["DuplicateIssue"] = """{"of":"0195f3c2-7d10-7a2b-8c3d-4e5f60718293","note":"同一纠纷已登记","by":"网格员董明"}""",
        ["CreateMember"] = """{"name":"王建国","gender":"male","birthDate":"1970-05-01","joinedPartyOn":"1995-07-01","education":"seniorSecondary","phone":"13900001111","grid":"340822100201003","status":"resident","holdsOffice":false,"card":{"basicStatus":"在村务农","developmentCapability":"种植能手","technicalSkills":["水稻种植"],"willingness":{"servicesOffered":["助老"],"hoursPerMonth":8}}}""",
        ["UpdateMember"] = """{"name":"王建国","gender":"male","birthDate":"1970-05-01","joinedPartyOn":"1995-07-01","education":"seniorSecondary","phone":"13900002222","grid":"340822100201003","status":"resident","holdsOffice":false}""",
        ["ClaimPost"] = """{"post":"informationCollector","recommendation":"self","recommendedOn":"2026-03-02","note":"熟悉本组情况","by":"网格员董明"}""",
        ["LogPostWork"] = """{"kind":"informationReport","date":"2026-03-02","summary":"上报董屋组一处危房隐患","by":"王建国"}""",
        ["TransferMember"] = """{"toGrid":"340822100201004","on":"2026-03-02","reason":"迁居汪屋组","by":"村党支部"}""",
        ["PutPartyGroup"] = """{"leaderId":"0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a","activityCenter":{"address":"董屋组12号","atLeaderHome":true,"name":"董屋党群服务点"},"instructors":[{"name":"汪海","phone":"13955600001","unit":"340822100","title":"镇党委委员"},{"name":"董明","phone":"13955612345","unit":"340822100201","title":"村党支部书记"}]}""",
        ["RecordPartyGroupActivity"] = """{"date":"2026-03-02","kind":"policyStudy","topic":"学习乡村振兴政策","attendees":["0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a"],"guests":["汪海"],"notes":"全体党员参加","by":"党小组组长"}""",
        ["CreateHousehold"] = """{"head":"董大爷","address":"董屋组12号","phone":"13900005555","size":2,"needs":["助老"],"needsNote":"独居老人，行动不便","vulnerable":true,"vulnerability":"独居老人","memberIds":[],"partyMemberHome":false,"central":false,"servedHouseholds":[]}""",
        ["UpdateHousehold"] = """{"head":"董大爷","address":"董屋组12号","phone":"13900005555","size":2,"needs":["助老"],"needsNote":"独居老人，需每周探望","vulnerable":true,"vulnerability":"独居老人"}""",
        ["AcceptPairing"] = """{"householdId":"0195f3c2-6c21-7b3c-9d4e-5f6071829304","memberId":"0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a","needs":["助老"],"by":"村党支部"}""",
        ["LogPairingVisit"] = """{"date":"2026-03-02","note":"上门送米送油，检查用电安全","by":"王建国"}""",
        ["EndPairing"] = """{"reason":"老人随子女迁居县城","by":"村党支部"}""",
        ["CreatePartyTask"] = """{"title":"清理河道垃圾","description":"组织党员清理董屋组段河道","due":"2026-03-20","groups":["340822100201003"],"by":"村党支部"}""",
        ["SplitPartyTask"] = """{"by":"0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a","parts":[{"memberId":"0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a","work":"清理董屋组段河道"}]}""",
        ["ReportPartyTaskPartDone"] = """{"note":"已清理完毕","evidence":[{"kind":"photo","url":"https://example.org/photos/river.jpg","caption":"清理后的河道"}]}""",
        ["RecordBranchMeeting"] = """{"date":"2026-03-02","topic":"部署春季河道清理","attendees":[{"name":"董明","role":"书记"},{"name":"王建国","role":"党员"}],"groupLeaders":["0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a"],"notes":"分片包干","by":"村党支部"}""",
        ["PutVillageTerm"] = """{"electedOn":"2021-03-15","cadres":[{"name":"董明","gender":"male","birthDate":"1975-03-08","education":"college","partyMember":true,"roles":["branchSecretary","villageDirector"]},{"name":"汪丽","gender":"female","birthDate":"1990-06-01","education":"bachelor","partyMember":true,"roles":["villageCommitteeMember"]}]}""",
        ["CheckSlate"] = """{"electedOn":"2021-03-15","cadres":[{"name":"董明","gender":"male","birthDate":"1975-03-08","education":"college","partyMember":true,"roles":["branchSecretary","villageDirector"]},{"name":"汪丽","gender":"female","birthDate":"1990-06-01","education":"bachelor","partyMember":true,"roles":["villageCommitteeMember"]}]}""",
        ["PutSecretaryFiling"] = """{"status":"filed","filedOn":"2021-04-10","note":"已报县委组织部备案"}""",
        ["PutTrainingSession"] = """{"title":"村干部春季轮训","heldOn":"2026-03-02","attendees":["340822100201"]}""",
        ["PutTeamAssessment"] = """{"rating":"good","notes":"班子团结，完成年度目标","assessedBy":"镇党委"}""",
        ["PutSlateRules"] = """{"minWomen":1,"minUnder35":1,"minCollegeOrAbove":1,"secretaryMinEducation":"senior","secretaryMaxAge":60,"oneShoulder":true}""",
        ["DraftGroupCommitments"] = """{"items":[{"text":"每月走访困难户","to":"residents","measure":"visits","target":60}],"by":"党小组组长"}""",
        ["RecordGroupCommitmentProgress"] = """{"item":1,"date":"2026-03-02","amount":5,"note":"走访5户","links":[],"evidence":[{"kind":"photo","url":"https://example.org/photos/visit.jpg","caption":"走访照片"}],"by":"党小组组长"}""",
        ["EvaluateGroupCommitments"] = """{"scores":[{"item":1,"role":"member","evaluator":"王建国","score":90,"comment":"走访到位"}]}""",
        ["RecordGroupCommitmentDecision"] = """{"kind":"reward","text":"评为优秀党小组","decidedOn":"2026-03-02","by":"村党支部"}""",
        ["DraftMemberCommitments"] = """{"items":[{"text":"帮扶一户困难户","to":"residents","measure":"visits","target":12}],"by":"王建国"}""",
        ["RecordMemberCommitmentProgress"] = """{"item":1,"date":"2026-03-02","amount":1,"note":"上门帮扶","links":[],"evidence":[{"kind":"photo","url":"https://example.org/photos/help.jpg","caption":"帮扶照片"}],"by":"王建国"}""",
        ["EvaluateMemberCommitments"] = """{"scores":[{"item":1,"role":"residentRepresentative","evaluator":"董大爷","score":95,"comment":"热心"}]}""",
        ["RecordMemberCommitmentDecision"] = """{"kind":"reward","text":"评为优秀党员","decidedOn":"2026-03-02","by":"村党支部"}""",
        ["PutGridLeader"] = """{"memberId":"0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a","note":"兼任党小组组长"}""",
        ["AddGridWorker"] = """{"name":"查小燕","phone":"13955600123","kind":"partTime","note":"村妇联执委兼任"}""",
        ["RecordGridVisit"] = """{"workerId":"0195f3c2-5b32-7c4d-8e5f-60718293a4b5","date":"2026-03-02","householdId":"0195f3c2-6c21-7b3c-9d4e-5f6071829304","note":"入户走访，了解用电情况","findings":["屋后电线老化裸露"]}""",
        ["ReportVisitFinding"] = """{"category":"neighbour-dispute","title":"屋后电线老化裸露"}""",
        ["SetStarRubric"] = """{"groupCriteria":[{"key":"commitments","name":"践诺情况","source":"commitmentFulfilment","weight":60},{"key":"activities","name":"组织生活","source":"activityCompliance","weight":40}],"memberCriteria":[{"key":"postWork","name":"岗位履职","source":"postWork","weight":50,"target":24},{"key":"visits","name":"结对走访","source":"pairingVisits","weight":50,"target":12}],"thresholds":[60,70,80,90],"noticeDays":7,"by":"县委组织部"}""",
        ["ObjectGroupStars"] = """{"by":"党小组组长","text":"活动次数统计漏记两次"}""",
        ["AnswerGroupStarsObjection"] = """{"answer":"已核实并补记","upheld":true,"by":"村党支部"}""",
        ["ObjectMemberStars"] = """{"by":"王建国","text":"岗位履职记录漏记"}""",
        ["AnswerMemberStarsObjection"] = """{"answer":"已核实，记录无误","upheld":false,"by":"村党支部"}""",
    };

    /// <summary>The example of the operation's JSON body, or null when the schema's generic example serves.</summary>
    public static JsonNode? For(string? operationId) =>
        operationId is not null && ByOperation.TryGetValue(operationId, out var json) ? JsonNode.Parse(json) : null;

    /// <summary>The operations that have one.</summary>
    public static IReadOnlyCollection<string> Operations => ByOperation.Keys;
}

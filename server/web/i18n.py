"""The pages' languages: Chinese by default, English on request (``?lang=en``, kept in the session).

``MESSAGES`` is the catalogue of every label the templates show, as (Chinese, English); data that
carries both languages itself (findings, explanation steps, error messages) is shown with ``pick``.
"""

from __future__ import annotations

from typing import Any

from flask import g, request, session

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

MESSAGES: dict[str, tuple[str, str]] = {
    # frame
    "app.title": ("绩效分级审核", "Grading review"),
    "app.subtitle": (
        "重污染天气重点行业绩效分级现场核查",
        "On-site verification of performance grading",
    ),
    "nav.queue": ("待审核申报", "Review queue"),
    "nav.sign_out": ("退出", "Sign out"),
    "lang.switch": ("English", "中文"),
    # sign-in
    "signin.title": ("审核人员登录", "Reviewer sign-in"),
    "signin.username": ("用户名", "Username"),
    "signin.password": ("密码", "Password"),
    "signin.submit": ("登录", "Sign in"),
    "signin.failed": ("用户名或密码错误。", "Wrong username or password."),
    "signin.who": (
        "仅限县区、市级审核人员及管理员。核查员请使用平板应用。",
        "For county and city reviewers and administrators. Inspectors use the tablet app.",
    ),
    "signin.signed_out": ("已退出。", "You are signed out."),
    # errors
    "error.title": ("出错了", "Something is wrong"),
    "error.back": ("返回待审核列表", "Back to the review queue"),
    "error.400": ("请求无效。", "The request is not valid."),
    "error.403": ("您无权查看此页面。", "You may not see this page."),
    "error.404": ("未找到该页面或记录（或不在您的辖区内）。", "Not found (or not in your area)."),
    "error.405": ("不支持此操作。", "This action is not supported here."),
    "error.409": ("与当前状态冲突。", "This conflicts with the current state."),
    "error.412": (
        "记录已被他人修改，请刷新后重试。",
        "Someone else changed this; reload and try again.",
    ),
    "error.422": ("输入有误。", "Some input is not valid."),
    "error.500": ("服务器内部错误。", "Internal server error."),
    "error.csrf": (
        "表单校验失败（缺少或无效的 CSRF 令牌）：该表单可能已过期，或并非来自本站。请刷新页面后重试。",
        "The form could not be verified (missing or invalid CSRF token): it may be stale or "
        "may not come from this site. Reload the page and try again.",
    ),
    "error.inspector": (
        "审核页面仅供县区、市级审核人员和管理员使用；核查员请使用平板应用。",
        "The review pages are for county and city reviewers and administrators; inspectors "
        "use the tablet app.",
    ),
    # queue
    "queue.title": ("待审核申报", "Filings to review"),
    "queue.filters": ("筛选", "Filters"),
    "queue.county": ("县区", "County"),
    "queue.industry": ("行业", "Industry"),
    "queue.grade": ("申报级别", "Claimed grade"),
    "queue.status": ("流程状态", "Workflow state"),
    "queue.deadline": ("期限", "Deadline"),
    "queue.deadline.any": ("不限", "any"),
    "queue.deadline.overdue": ("已超期", "overdue"),
    "queue.deadline.upcoming": ("即将到期", "due soon"),
    "queue.within": ("天内到期", "days"),
    "queue.any": ("全部", "all"),
    "queue.apply": ("筛选", "Apply"),
    "queue.reset": ("清除", "Reset"),
    "queue.count": (
        "共 {total} 条，第 {page}/{pages} 页",
        "{total} filings, page {page} of {pages}",
    ),
    "queue.empty": ("没有符合条件的申报。", "No filing matches these filters."),
    "queue.enterprise": ("企业 / 厂区", "Enterprise / site"),
    "queue.due": ("到期日", "Due"),
    "queue.no_clock": ("—", "—"),
    "queue.overdue_by": ("超期 {days} 天", "{days} d overdue"),
    "queue.days_left": ("剩 {days} 天", "{days} d left"),
    "queue.due_today": ("今日到期", "due today"),
    "queue.late_filing": ("逾期申报 {days} 天", "filed {days} d late"),
    "queue.late_filing.why": (
        "未按时上报申报材料，按最低等级进行管理（S1 §(十七)）。",
        "Filed after the batch's deadline: managed at the lowest grade (S1 §(十七)).",
    ),
    "queue.prev": ("上一页", "Previous"),
    "queue.next": ("下一页", "Next"),
    "queue.scope": ("辖区：{county}", "Area: {county}"),
    "queue.scope_city": ("辖区：全市", "Area: whole city"),
    # dossier
    "dossier.filing": ("申报", "Filing"),
    "dossier.year": ("年度", "Year"),
    "dossier.received": ("收到日期", "Received"),
    "dossier.essential": ("保障类企业", "Essential-service plant"),
    "dossier.address": ("地址", "Address"),
    "dossier.credit_code": ("统一社会信用代码", "Credit code"),
    "dossier.state": ("流程状态", "Workflow state"),
    "dossier.deadline": ("审核期限", "Review deadline"),
    "dossier.claimed": ("申报级别", "Claimed grade"),
    "dossier.supported": ("证据支持级别", "Grade the evidence supports"),
    "dossier.not_computed": ("尚未计算核查比对结果。", "The reconciliation is not computed yet."),
    "dossier.pending_confirmation": ("待确认", "not final"),
    "dossier.unconfirmed": (
        "仍有指标无法核实，结果未确定。",
        "Some indicators are unverifiable; the result is not final.",
    ),
    "dossier.needs_new_visit": (
        "核查时未处于正常生产状态，需重新现场核查。",
        "Production was not normal during the visit: a new visit is needed.",
    ),
    "dossier.no_grade": ("无级别", "no grade"),
    "dossier.explanation": ("判定说明", "Explanation"),
    "dossier.indicators": ("指标核对", "Indicators"),
    "dossier.indicator": ("指标", "Indicator"),
    "dossier.claimed_value": ("申报", "Claimed"),
    "dossier.found": ("现场核查", "Found"),
    "dossier.verdict": ("结论", "Verdict"),
    "dossier.main": ("主行业", "main industry"),
    "dossier.guide": ("技术指南", "Guide"),
    "dossier.meets": ("达到 {grade}", "meets {grade}"),
    "dossier.disagreement": ("核查员意见不一致", "inspectors disagree"),
    "dossier.photos_discarded": ("未采用的照片", "Photos not used"),
    "dossier.photos": ("现场照片", "Photos"),
    "dossier.no_photos": ("尚无照片。", "No photos yet."),
    "dossier.rejected_photo": ("已拒收", "refused"),
    "dossier.map": ("厂区位置图", "Site map"),
    "dossier.map.legend_inside": ("厂区内", "inside the site"),
    "dossier.map.legend_outside": ("厂区外", "outside the site"),
    "dossier.map.legend_uncertain": (
        "边界附近（GPS 精度内）",
        "near the boundary (within GPS accuracy)",
    ),
    "dossier.map.legend_accuracy": ("GPS 精度范围", "GPS accuracy"),
    "dossier.map.no_boundary": ("该厂区未登记边界。", "The site has no registered boundary."),
    "dossier.map.no_position": (
        "{count} 张照片没有 GPS 位置。",
        "{count} photo(s) have no GPS position.",
    ),
    "dossier.map.datum": (
        "边界坐标系 {datum}，已转换为 WGS-84",
        "Boundary in {datum}, shown in WGS-84",
    ),
    "dossier.timeline": ("核查时间线", "Visit timeline"),
    "dossier.production": ("正常生产判定", "Normal production"),
    "dossier.production.normal": ("正常生产", "normal"),
    "dossier.production.not_normal": ("非正常生产", "not normal"),
    "dossier.production.unknown": ("无法判定", "cannot tell"),
    "dossier.production.void": ("本次核查作废", "this visit is void"),
    "dossier.chart.flow": ("烟气流量 (m³/h)", "Flue-gas flow (m³/h)"),
    "dossier.chart.power": ("用电功率 (kW)", "Electric power (kW)"),
    "dossier.chart.on_site": ("核查员在现场", "inspectors on site"),
    "dossier.chart.role_production": ("生产", "production"),
    "dossier.chart.role_treatment": ("治污", "treatment"),
    "dossier.chart.zoomed": (
        "图中显示有数据的时段 {start} – {end}（核查时段内）。",
        "Showing {start} – {end}, the part of the visit window with data.",
    ),
    "dossier.chart.none": (
        "核查时段内没有在线监测或分表计电数据。",
        "No CEMS or metering data in the visit window.",
    ),
    "dossier.visit": ("现场核查", "Visit"),
    "dossier.team": ("核查组", "Team"),
    "dossier.lead": ("组长", "lead"),
    "dossier.no_visit": ("尚未安排现场核查。", "No on-site visit assigned yet."),
    "dossier.window": ("核查时段", "Visit window"),
    "dossier.inspections": ("核查记录", "Inspections"),
    # timeline events
    "event.assignment_created": ("下达核查任务", "Assignment made"),
    "event.window_start": ("核查时段开始", "Visit window opens"),
    "event.window_end": ("核查时段结束", "Visit window closes"),
    "event.inspection_started": ("{who} 开始核查", "{who} started the inspection"),
    "event.inspection_submitted": ("{who} 提交核查表", "{who} submitted the inspection"),
    "event.inspection_received": (
        "服务器收到 {who} 的核查表（{status}）",
        "Server received {who}'s inspection ({status})",
    ),
    "event.photos_taken": ("{who} 拍摄 {count} 张照片", "{who} took {count} photo(s)"),
    "event.photos_received": (
        "服务器收到 {who} 的 {count} 张照片",
        "Server received {count} photo(s) from {who}",
    ),
    "event.feedback": (
        "向平板回执 {count} 份（{statuses}）",
        "{count} feedback document(s) to the tablets ({statuses})",
    ),
    "event.transition": ("流程：{action}", "Workflow: {action}"),
    "event.decision_proposed": ("{who} 提议：{outcome}", "{who} proposed: {outcome}"),
    "event.decision_settled": ("{who} {status}决定", "{who}: decision {status}"),
    # decisions
    "decision.title": ("审核决定", "Decision"),
    "decision.outcome": ("决定", "Outcome"),
    "decision.grade": ("决定级别", "Grade"),
    "decision.reasons": ("理由代码", "Reason codes"),
    "decision.comment": ("说明", "Comment"),
    "decision.propose": (
        "提交决定（需另一名审核人员确认）",
        "Propose (another reviewer must confirm)",
    ),
    "decision.pending": ("待确认的决定", "Decision awaiting confirmation"),
    "decision.proposed_by": ("{who} 于 {at} 提议", "Proposed by {who} on {at}"),
    "decision.confirm": ("确认", "Confirm"),
    "decision.reject": ("驳回", "Reject"),
    "decision.withdraw": ("撤回", "Withdraw"),
    "decision.own_proposal": (
        "这是您提出的决定，须由另一名审核人员确认。",
        "You proposed this; another reviewer must confirm it.",
    ),
    "decision.history": ("决定记录", "Decisions so far"),
    "decision.none": ("尚无决定。", "No decision yet."),
    "decision.city_only": (
        "只有市级审核人员可以提议、确认或驳回审核决定。",
        "Only city reviewers propose, confirm or reject decisions.",
    ),
    "decision.proposed_ok": (
        "已提交决定，等待另一名审核人员确认。",
        "Proposed; another reviewer must confirm it.",
    ),
    "decision.confirmed_ok": ("决定已确认。", "The decision is confirmed."),
    "decision.confirmation_blocked": (
        "按现行规则，此提议今天不能确认：",
        "Under the rules, this proposal cannot be confirmed today:",
    ),
    "decision.rejected_ok": ("决定已驳回。", "The decision is rejected."),
    "decision.withdrawn_ok": ("决定已撤回。", "The decision is withdrawn."),
    "decision.supported_was": (
        "提议时证据支持级别：{grade}",
        "Supported grade when proposed: {grade}",
    ),
    "decision.error": ("未能保存：", "Not saved:"),
    "outcome.confirm": ("确认申报级别", "confirm the grade"),
    "outcome.grade_down": ("降级评定", "grade down"),
    "outcome.new_visit": ("退回重新现场核查", "return for a new visit"),
    "decision_status.proposed": ("待确认", "awaiting confirmation"),
    "decision_status.confirmed": ("已确认", "confirmed"),
    "decision_status.rejected": ("已驳回", "rejected"),
    "decision_status.withdrawn": ("已撤回", "withdrawn"),
    # photo
    "photo.title": ("照片", "Photo"),
    "photo.back": ("返回档案", "Back to the dossier"),
    "photo.taken": ("拍摄时间", "Taken"),
    "photo.received": ("收到时间", "Received"),
    "photo.position": ("位置", "Position"),
    "photo.accuracy": ("GPS 精度", "GPS accuracy"),
    "photo.device": ("设备", "Device"),
    "photo.camera": ("相机", "Camera"),
    "photo.item": ("核查项", "Form item"),
    "photo.inspector": ("核查员", "Inspector"),
    "photo.size": ("尺寸", "Size"),
    "photo.sha256": ("SHA-256", "SHA-256"),
    "photo.findings": ("检查结果", "Checks and flags"),
    "photo.no_findings": ("各项检查均通过。", "Every check passed."),
    "photo.original": (
        "查看原图（将记录在监管链中）",
        "Open the original (recorded in the custody log)",
    ),
    "photo.custody": ("监管链", "Chain of custody"),
    "photo.other_uses": ("其他使用", "Other uses"),
    "photo.refused": ("该照片已被拒收：", "This photo was refused:"),
    "photo.no_position": ("无 GPS 位置", "no GPS position"),
    # verdicts, severities, production statuses
    "verdict.verified": ("已核实", "verified"),
    "verdict.contradicted": ("不符", "contradicted"),
    "verdict.unverifiable": ("无法核实", "unverifiable"),
    "verdict.unclaimed": ("尚未比对", "not reconciled"),
    "severity.info": ("提示", "info"),
    "severity.warning": ("警告", "warning"),
    "severity.critical": ("严重", "critical"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    # dashboard, administration, search
    "nav.dashboard": ("进度", "Progress"),
    "nav.admin": ("管理", "Administration"),
    "nav.search": (
        "搜索企业名称、信用代码或申报编号",
        "Search a plant, credit code or filing number",
    ),
    "dash.title": ("核查进度", "Progress"),
    "dash.explain": (
        "每个数字均可点击，打开对应申报的列表。",
        "Every count opens the list of the filings it counts.",
    ),
    "dash.overall": ("全部", "All filings"),
    "dash.by_county": ("按县区", "By county"),
    "dash.by_industry": ("按行业", "By industry"),
    "dash.industry_note": (
        "跨行业申报在其申报的每个行业下各计一次。",
        "A filing in several industries counts under each industry it claims a grade in.",
    ),
    "dash.none": ("尚无申报。", "No filing yet."),
    "dash.grades": ("已决定级别与申报级别对照", "Grades decided against grades claimed"),
    "dash.grades_note": (
        "行为主行业的申报级别，列为经确认的审核决定级别。",
        "Rows: the grade claimed for the main industry; columns: the grade of the confirmed "
        "decision.",
    ),
    "dash.claimed_decided": ("申报级别 ↓ · 决定级别 →", "claimed ↓ · decided →"),
    "dash.no_grades": ("尚无经确认的审核决定。", "No decision has been confirmed yet."),
    "dash.targets": (
        "河南省 2024 年创 A 晋 B 目标",
        "Henan 2024 targets: new A, B and leading plants",
    ),
    "dash.city": ("城市", "City"),
    "dash.target": (
        "新增 A 级、B 级（含 B-）及引领性企业目标",
        "Target: new A, B (incl. B-), leading",
    ),
    "dash.reached": ("已决定（2024 年，此前年度未达到）", "Decided (2024, not so graded before)"),
    "dash.targets_note": (
        "目标为工作目标（S3），不影响任何审核决定；不设 A、B 级企业数量限制（S2 §六）。",
        "A goal (S3) that never bears on a decision: there is no quota of A or B plants (S2 §六).",
    ),
    "dash.no_targets": (
        "本辖区未设定创 A 晋 B 数量目标。",
        "No target of new A/B plants is set for this jurisdiction.",
    ),
    "dash.queue_stage": ("仅显示：{stage}。", "Showing only: {stage}."),
    "stage.received": ("已收到", "received"),
    "stage.received.why": ("收到的全部申报", "every filing received"),
    "stage.county_review": ("县区初审中", "at the county"),
    "stage.county_review.why": (
        "已收到、县区初审中或退回补正",
        "received, in county pre-review or returned for supplement",
    ),
    "stage.forwarded": ("已报送市级", "forwarded"),
    "stage.forwarded.why": (
        "已报送市级、市级复审中或已决定",
        "forwarded, in city review or decided",
    ),
    "stage.drawn": ("已抽中", "drawn"),
    "stage.drawn.why": ("已公布的抽查中被抽中", "selected by a published draw"),
    "stage.visited": ("已现场核查", "visited"),
    "stage.visited.why": ("至少一份核查表已被接收", "at least one inspection accepted"),
    "stage.reconciled": ("已比对", "reconciled"),
    "stage.reconciled.why": ("已计算核查比对结果", "the evidence has been reconciled"),
    "stage.proposed": ("待确认决定", "decision proposed"),
    "stage.proposed.why": ("有待另一名审核人员确认的决定", "a decision awaits confirmation"),
    "stage.decided": ("已决定", "decided"),
    "stage.decided.why": ("决定已确认（含此后降级）", "a decision stands (or a later downgrade)"),
    "stage.overdue": ("已超期", "overdue"),
    "stage.overdue.why": ("县区或市级审核已超过期限", "past the county or city deadline"),
    "search.title": ("搜索", "Search"),
    "search.hint": (
        "按企业或厂区名称、统一社会信用代码（开头几位即可）或申报编号查找。",
        "Find a filing by plant or site name, credit code (its first characters do) or filing "
        "number.",
    ),
    "search.label": ("查找", "Find"),
    "search.submit": ("搜索", "Search"),
    "search.count": ("“{query}”：找到 {total} 条申报。", "“{query}”: {total} filing(s) found."),
    "search.more": (
        "仅显示前 {limit} 条，请输入更多字词。",
        "Only the first {limit} are shown; type more.",
    ),
    "search.none": ("没有找到匹配的申报。", "No filing matches."),
    "admin.title": ("管理", "Administration"),
    "admin.home": ("导出", "Exports"),
    "admin.none": ("暂无记录。", "None recorded."),
    "admin.enterprise": ("企业", "Enterprise"),
    "admin.exports.title": ("导出", "Exports"),
    "admin.exports.hint": (
        "导出本辖区的清单（Excel 或 CSV）。",
        "Download this jurisdiction's lists (Excel or CSV).",
    ),
    "admin.exports.results.xlsx": ("绩效分级结果清单（Excel）", "Results list (Excel)"),
    "admin.exports.results.csv": ("绩效分级结果清单（CSV）", "Results list (CSV)"),
    "admin.exports.disclosure.xlsx": ("公开名录（Excel）", "Public list (Excel)"),
    "admin.exports.disclosure.csv": ("公开名录（CSV）", "Public list (CSV)"),
    "admin.exports.package": (
        "证据包按申报导出：在申报档案页下载；照片位置图（GeoJSON 格式）在接口文档的“导出”部分下载。",
        "Evidence packages are per filing, from its dossier; the photo map (GeoJSON) is in the "
        "API documentation's exports section.",
    ),
    "admin.users.title": ("用户", "Users"),
    "admin.users.hint": (
        "停用账户或重置密码后，该用户所有登录（网页、接口令牌、平板同步）立即失效。",
        "Deactivating an account or resetting its password ends every sign-in of the user at "
        "once: pages, API tokens, tablet sync.",
    ),
    "admin.users.create": ("新建用户", "New user"),
    "admin.users.create_submit": ("创建", "Create"),
    "admin.users.display_name": ("姓名", "Name"),
    "admin.users.role": ("角色", "Role"),
    "admin.users.county_hint": ("县区审核人员必填", "required for a county reviewer"),
    "admin.users.password_rule": (
        "密码至少 10 位，不能与用户名相同，不能是常见密码。",
        "A password has at least 10 characters, is not the username and not a common password.",
    ),
    "admin.users.state": ("状态", "State"),
    "admin.users.actions": ("操作", "Actions"),
    "admin.users.active": ("启用", "active"),
    "admin.users.inactive": ("已停用", "deactivated"),
    "admin.users.blacklisted": ("黑名单专家", "blacklisted expert"),
    "admin.users.deactivate": ("停用", "Deactivate"),
    "admin.users.activate": ("重新启用", "Reactivate"),
    "admin.users.yourself": ("（您本人）", "(you)"),
    "admin.users.new_password": ("新密码", "new password"),
    "admin.users.reset": ("重置密码", "Reset password"),
    "admin.users.bad_role": ("请选择一个角色。", "Choose a role."),
    "admin.users.name_needed": ("请填写用户名和姓名。", "Give a username and a name."),
    "admin.users.created": ("已创建用户 {username}。", "User {username} is created."),
    "admin.users.deactivate_ok": (
        "已停用 {username}，其所有登录已失效。",
        "{username} is deactivated; every sign-in of theirs has ended.",
    ),
    "admin.users.activate_ok": (
        "已重新启用 {username}，可用原密码登录。",
        "{username} is active again and signs in with their password.",
    ),
    "admin.users.password_ok": (
        "已重置 {username} 的密码，其所有登录已失效。",
        "{username}'s password is reset; every sign-in of theirs has ended.",
    ),
    "admin.compliance.title": ("行政处罚与诚信档案", "Penalties and integrity records"),
    "admin.compliance.hint": (
        "哪些处罚限制哪些级别，由辖区设置规定（规则 6）；弄虚作假一年内不得申报（规则 7）。",
        "Which penalties bar which grades is a jurisdiction setting (rule 6); falsified "
        "material bars applications for a year (rule 7).",
    ),
    "admin.penalties": ("行政处罚", "Penalties"),
    "admin.penalty.kind": ("处罚类别", "Kind"),
    "admin.penalty.decided_on": ("决定日期", "Decided on"),
    "admin.penalty.document": ("决定书文号", "Decision number"),
    "admin.penalty.description": ("说明", "Description"),
    "admin.integrity": ("诚信档案", "Integrity records"),
    "admin.integrity.recorded_on": ("记录日期", "Recorded on"),
    "admin.integrity.barred_until": ("禁止申报至", "Barred until"),
    "admin.integrity.reason": ("原因", "Reason"),
    "admin.integrity.barred": ("禁止申报中", "barred now"),
    "admin.settings.title": ("辖区设置", "Jurisdiction settings"),
    "admin.settings.hint": (
        "设置按版本保存；新版本自生效日起适用，此前的审核不受影响。",
        "Settings are kept as versions; a new one applies from its effective day, earlier "
        "reviews keep theirs.",
    ),
    "admin.settings.in_force": ("现行设置", "In force today"),
    "admin.settings.version": ("第 {version} 版，自 {date} 起", "version {version}, from {date}"),
    "admin.settings.defaults": (
        "默认值（尚未保存任何版本）",
        "the defaults (no version saved yet)",
    ),
    "admin.settings.sampling_rate": ("抽查比例", "Sampling rate"),
    "admin.settings.county_days": ("县区初审期限", "County review period"),
    "admin.settings.city_days": ("市级复审期限", "City review period"),
    "admin.settings.day_kind": ("天数计算", "Days counted as"),
    "admin.settings.day_kind.calendar": ("自然日", "calendar days"),
    "admin.settings.day_kind.working": ("工作日", "working days"),
    "admin.settings.multi_industry": ("跨行业企业定级", "Plants in several industries"),
    "admin.settings.multi.main_industry": ("按主行业定级", "graded by the main industry"),
    "admin.settings.multi.cross_level": ("按各行业最低级别定级", "graded at the lowest level"),
    "admin.settings.multi.each_industry": ("各行业分别定级", "each industry graded on its own"),
    "admin.settings.bars_downgraded": (
        "一年内被降级者不得评为 A、B、引领性",
        "A downgrade within a year bars A, B and leading",
    ),
    "admin.settings.adjustment": ("再次申报截止日（月-日）", "Last day to file again (MM-DD)"),
    "admin.settings.per_year": ("每年 {n} 次", "{n} a year"),
    "admin.settings.retention": ("门禁视频保存期", "Gate video kept for"),
    "admin.settings.months": ("{n} 个月", "{n} months"),
    "admin.settings.add": ("新增设置版本", "Add a version"),
    "admin.settings.add_hint": (
        "此处未列出的设置沿用现行版本；抽查比例不得低于 30%（规则 12）。",
        "Settings not in this form carry over from the version in force; the sampling rate is "
        "at least 30% (rule 12).",
    ),
    "admin.settings.effective_from": ("生效日期", "Effective from"),
    "admin.settings.note": ("说明", "Note"),
    "admin.settings.add_submit": ("保存新版本", "Save the new version"),
    "admin.settings.added": (
        "已保存新版本的辖区设置。",
        "The new version of the settings is saved.",
    ),
    "admin.settings.bad_input": (
        "请填写有效的生效日期和天数。",
        "Give a valid effective date and numbers of days.",
    ),
    "admin.settings.history": ("历次版本", "Versions"),
    "admin.settings.version_col": ("版本", "Version"),
    "admin.import.title": ("导入申报清单", "Import the application list"),
    "admin.import.hint": (
        "上传市局的申报清单（Excel 文件）：先检查，逐行列出问题；全部无误后再导入。",
        "Upload the bureau's application list (an Excel file): check it first, every bad row is "
        "listed; import when none is left.",
    ),
    "admin.import.template": ("下载空白模板（Excel）", "Download the blank template (Excel)"),
    "admin.import.columns": ("所需列（* 为必填）：", "Columns (* required):"),
    "admin.import.col_header": ("列名", "Column"),
    "admin.import.col_required": ("必填", "Required"),
    "admin.import.file": ("清单文件", "List file"),
    "admin.import.check": ("检查（不导入）", "Check (import nothing)"),
    "admin.import.import": ("导入", "Import"),
    "admin.import.all_or_none": (
        "导入时整份清单全部成功或全部不导入；有任何问题行都不会写入。",
        "An import takes every row or none: with any bad row nothing is written.",
    ),
    "admin.import.no_file": ("请选择要上传的 Excel 文件。", "Choose the Excel file to upload."),
    "admin.import.rejected_check": ("检查未通过", "The check found problems"),
    "admin.import.rejected": ("未导入", "Nothing was imported"),
    "admin.import.row": ("行", "Row"),
    "admin.import.row_n": ("第 {n} 行", "row {n}"),
    "admin.import.column": ("列", "Column"),
    "admin.import.problem": ("问题", "Problem"),
    "admin.import.checked": ("检查通过", "The check passed"),
    "admin.import.done": ("已导入", "Imported"),
    "admin.import.summary_check": (
        "{rows} 行均无问题：将新增 {new_enterprises} 家企业、{new_sites} 个厂区、{filings} 份申报。",
        "All {rows} rows are good: {new_enterprises} new enterprises, {new_sites} new sites and "
        "{filings} filings would be added.",
    ),
    "admin.import.summary_done": (
        "已导入 {rows} 行：新增 {new_enterprises} 家企业、{new_sites} 个厂区、{filings} 份申报。",
        "{rows} rows imported: {new_enterprises} new enterprises, {new_sites} new sites and "
        "{filings} filings.",
    ),
    "admin.import.now_import": (
        "尚未导入。请再次选择该文件并点击“导入”。",
        "Nothing is imported yet: choose the file again and press Import.",
    ),
}

# county and city workbench
MESSAGES.update(
    {
        "nav.county": ("县区初审", "County pre-review"),
        "nav.batches": ("批次与抽查", "Batches and draws"),
        "nav.deadlines": ("期限看板", "Deadlines"),
        "wb.nav": ("工作台", "Workbench"),
        "wb.not_done": ("未能办理：", "Not done:"),
        "wb.filing_no": ("申报编号", "Filing no."),
        "wb.filing_label": ("申报编号 {id}", "filing no. {id}"),
        "wb.due_on": ("最后期限 {day}", "due {day}"),
        "wb.stage.county": ("县区初审（7日）", "county review (7 days)"),
        "wb.stage.city": ("市级复审（15日）", "city review (15 days)"),
        "wb.lead": ("组长", "lead"),
        "wb.blacklisted": ("已列入黑名单，不得参与核查", "blacklisted, may not review"),
        "wb.conflicted": ("已申报利益冲突", "declared a conflict of interest"),
        "wb.window_start": ("核查开始日", "First day of the visit"),
        "wb.window_end": ("核查结束日", "Last day of the visit"),
        "wb.assignment_status.planned": ("已安排，尚未下发", "planned, not yet sent"),
        "wb.assignment_status.published": ("已下发到核查员平板", "sent to the tablets"),
        "wb.assignment_status.cancelled": ("已取消", "cancelled"),
        "wb.assignment_status.done": ("已完成", "done"),
        "wb.err.refused": ("该操作未被接受。", "This step was not accepted."),
        "wb.err.day": ("请填写一个日期。", "Give a day."),
        "wb.err.invalid": (
            "填写的内容有误，请按提示修改后重新提交。",
            "Some of what was entered is not valid; correct it and send again.",
        ),
        "wb.err.forbidden": (
            "您的角色或辖区不允许办理此事项。",
            "Your role or area does not allow this step.",
        ),
        "wb.err.stale": (
            "该记录在您打开页面后已发生变化（可能是重复提交）。请查看当前状态后再操作。",
            "The record changed after you opened the page (perhaps the form was sent twice). "
            "Look at where it stands now before acting.",
        ),
        "wb.err.illegal_transition": (
            "该申报当前所处的环节不允许此操作，页面可能已过期，请刷新后查看。",
            "The filing is not at a stage that allows this step; the page may be out of date, "
            "reload it.",
        ),
        "wb.err.missing_items_required": (
            "退回补正须列出需要补正的全部内容：请勾选常见事项或写明其他事项。",
            "Returning for supplement needs the complete list of what is missing: tick common "
            "items or write the others.",
        ),
        "wb.err.items_not_told_at_once": (
            "需要补正的全部内容应在第一次退回时一次性告知企业。",
            "Everything to supply must be told to the plant at once, on the first return.",
        ),
        "wb.err.county_check_open": (
            "县级现场核查尚未完成，请先标记完成或取消，再报送市级。",
            "The county's on-site check is still open: mark it done or cancel it before "
            "forwarding.",
        ),
        "wb.err.no_filings": (
            "该批次暂无可抽查的申报：只有已报送市级、申报A级、B级或引领性等级的申报参与抽查。",
            "The batch has no filing to draw: only filings forwarded to the city that claim A, B "
            "or leading grades are drawn.",
        ),
        "wb.err.already_drawn": (
            "该批次已经抽查过，抽查不能重做；此后报送的申报请做补充抽查。",
            "The batch was drawn already and a draw is never repeated; filings forwarded since "
            "get a supplementary draw.",
        ),
        "wb.err.not_drawn": (
            "该批次尚未抽查，请先进行首次抽查。",
            "The batch was never drawn; make its main draw first.",
        ),
        "wb.err.already_published": (
            "该抽查结果已经公布，不能再更改。",
            "This draw is published already and can no longer change.",
        ),
        "wb.err.rate_too_low": (
            "抽查比例不得低于本市规定的比例。",
            "The sampling rate may not be below the city's rate.",
        ),
        "wb.err.batch_overlap": (
            "所选行业已属于本年度另一个批次；一份申报只能属于一个批次。",
            "An industry chosen already belongs to another batch of the year; a filing belongs "
            "to one batch only.",
        ),
        "wb.err.batch_duplicate": (
            "本市已有同名批次。",
            "The city already has a batch of that name.",
        ),
        "wb.err.conflict_of_interest": (
            "核查组中有人已申报与该企业存在利益冲突，不能参加此次核查。",
            "Someone in the team declared a conflict of interest with this plant and may not "
            "check it.",
        ),
        "wb.err.blacklisted": (
            "核查组中有已列入黑名单的专家，不得参与核查。",
            "The team includes a blacklisted expert, who may not review.",
        ),
        "wb.err.not_inspector": (
            "核查组成员必须是核查员。",
            "Every team member must be an inspector.",
        ),
        "wb.err.team_too_small": (
            "核查组至少需要两名核查员。",
            "A team needs at least two inspectors.",
        ),
        "wb.err.team_refused": (
            "该核查组不符合要求：成员须为在岗核查员且不重复。",
            "The team is refused: members must be active inspectors, each once.",
        ),
        "wb.err.window_invalid": (
            "核查结束日不能早于开始日。",
            "The visit cannot end before it starts.",
        ),
        "wb.err.county_check_refused": (
            "县级现场核查针对申报A级、B级（含B-）和引领性的企业。",
            "The county checks on site the applicants for A, B (incl. B-) and leading.",
        ),
        "wb.err.duplicate_assignment": (
            "该申报已有尚未完成的核查任务，请修改那一项。",
            "The filing already has an open check; change that one.",
        ),
        "wb.err.filing_closed": (
            "企业已撤回申请，无需核查。",
            "The plant withdrew its application; there is nothing to check.",
        ),
        "wb.err.illegal_status_change": (
            "该核查任务当前状态不允许此变更。",
            "The check cannot change that way from where it stands.",
        ),
        # county pre-review
        "county.title": ("县区初审", "County pre-review"),
        "county.rule": (
            "县区自收到申报（或补正材料）之日起7日内完成初审并报送市级。",
            "The county reviews within 7 days of receiving the filing (or its supplement) and "
            "forwards it to the city.",
        ),
        "county.count": ("共 {total} 件", "{total} in all"),
        "county.none": ("此环节暂无申报。", "No filing at this stage."),
        "county.more": ("查看全部 {total} 件", "See all {total}"),
        "county.received": ("收到日期", "Received"),
        "county.received_on": ("{day} 收到", "received {day}"),
        "county.supplement_in": ("{day} 收到补正材料", "supplement received {day}"),
        "county.clock_stopped": (
            "等待企业补正，期限暂停",
            "waiting for the plant; the clock is stopped",
        ),
        "county.back": ("返回县区初审", "Back to county pre-review"),
        "county.check_title": ("完整性审查", "Completeness check"),
        "county.dossier": ("查看完整档案", "Open the full dossier"),
        "county.completeness": ("申报材料完整性审查", "Completeness of the filing"),
        "county.completeness_hint": (
            "逐项核对每个申报指标是否附有证明材料；缺少的材料请在下方“退回补正”中一次性列明。",
            "Check that every claimed indicator carries its supporting document; list everything "
            "missing at once under “return for supplement” below.",
        ),
        "county.main_industry": ("主行业", "main industry"),
        "county.category": ("类别", "Category"),
        "county.indicator": ("指标", "Indicator"),
        "county.claimed": ("申报内容", "Claimed"),
        "county.documents": ("证明材料", "Supporting documents"),
        "county.unnamed_indicator": ("（指标名称未收录）", "(indicator without a name)"),
        "county.no_document": ("未附证明材料", "no document attached"),
        "county.documents_missing": (
            "共 {total} 项申报指标，其中 {count} 项未附证明材料。",
            "{total} claimed indicators, {count} of them without a supporting document.",
        ),
        "county.no_claims": ("该申报没有逐项指标。", "The filing lists no indicators."),
        "county.told_list": ("已告知企业需补正的全部内容", "What the plant was told to supply"),
        "county.supplied": ("企业补正的材料（每行一项）", "What the plant supplied (one per line)"),
        "county.supplied_hint": (
            "例如：排污许可证正副本复印件",
            "e.g. a copy of the discharge permit",
        ),
        "county.record_supplement": (
            "登记收到补正材料，重新开始7日审查",
            "Record the supplement; the 7 days start again",
        ),
        "county.start": ("开始初审", "Start the county review"),
        "county.start_hint": (
            "开始审查申报材料是否真实、完整、符合形式要求。",
            "Start checking that the filing is genuine, complete and well-formed.",
        ),
        "county.return_title": ("退回补正", "Return for supplement"),
        "county.return_hint": (
            "一次性告知企业需要补正的全部内容：勾选常见事项，并写明其他缺少的内容。企业和之后的每位审核人员看到的都是这一份清单。",
            "Tell the plant everything to supply at once: tick the common items and write "
            "whatever else is missing. The plant and every later reader see this one list.",
        ),
        "county.told_before": (
            "此前已告知：再次退回只能列出其中仍未补正的事项，或补正材料本身的问题。",
            "Told before: a later return may list only these items left unfixed, or problems of "
            "the supplement itself.",
        ),
        "county.common_items": ("常见缺少事项", "Common missing items"),
        "county.other_items": (
            "其他需补正的内容（每行一项）",
            "Other items to supply (one per line)",
        ),
        "county.other_hint": (
            "例如：2号生产线除尘设施照片",
            "e.g. photos of line 2's dust collector",
        ),
        "county.return": ("退回企业补正", "Return to the plant"),
        "county.onsite": ("县级现场核查", "The county's on-site check"),
        "county.onsite_rule": (
            "县区初审时对申报A级、B级和引领性的企业进行现场核查，核查完成后方可报送市级。",
            "In its review the county checks on site the applicants for A, B and leading, and "
            "forwards only once that check is finished.",
        ),
        "county.check_team": ("核查组（至少两名核查员）", "Team (two inspectors or more)"),
        "county.check_plan": ("安排现场核查", "Plan the on-site check"),
        "county.check_publish": ("下发到核查员平板", "Send to the tablets"),
        "county.check_done": ("标记核查完成", "Mark the check done"),
        "county.check_cancel": ("取消核查", "Cancel the check"),
        "county.forward_title": ("报送市级", "Forward to the city"),
        "county.forward_hint": (
            "初审通过后报送市级生态环境局复审。",
            "Once the county's review is done, forward the filing to the city bureau.",
        ),
        "county.forward_blocked": (
            "县级现场核查尚未完成。",
            "The county's on-site check is still open.",
        ),
        "county.forward": ("报送市级", "Forward to the city"),
        "county.history": ("办理记录", "Steps so far"),
        "county.no_steps": ("尚无办理记录。", "No step yet."),
        "county.items_told": ("告知需补正：", "Told to supply:"),
        "county.items_supplied": ("补正材料：", "Supplied:"),
        "county.started_ok": ("已开始初审。", "The county review has started."),
        "county.returned_ok": (
            "已退回企业补正，并一次性告知了需要补正的全部内容。",
            "Returned to the plant with the complete list of what to supply.",
        ),
        "county.supplement_ok": (
            "已登记补正材料，7日审查期限重新开始。",
            "The supplement is recorded; the 7 days start again.",
        ),
        "county.forwarded_ok": ("已报送市级。", "Forwarded to the city."),
        "county.check_planned_ok": (
            "已安排县级现场核查。",
            "The county's on-site check is planned.",
        ),
        "county.check_status_ok": ("核查任务已更新。", "The check is updated."),
        # city coordination
        "city.batches": ("审核批次", "Review batches"),
        "city.batches_hint": (
            "按行业分批开展审核，每批有各自的报送截止日期（S0 §四、S2 §七）。",
            "Filings are reviewed by industry in batches, each with its own report date (S0 §4, "
            "S2 §7).",
        ),
        "city.batch_name": ("批次名称", "Batch name"),
        "city.year": ("年度", "Year"),
        "city.industries": ("行业", "Industries"),
        "city.deadline": ("截止日期", "Report date"),
        "city.filings": ("申报情况", "Filings"),
        "city.draw": ("抽查", "Draw"),
        "city.no_filings": ("暂无申报", "no filing yet"),
        "city.no_batches": ("尚未建立审核批次。", "No batch yet."),
        "city.not_drawn": ("尚未抽查", "not drawn yet"),
        "city.published": ("已公布", "published"),
        "city.unpublished": ("尚未公布", "not published"),
        "city.draw_kind.main": ("首次抽查", "Main draw"),
        "city.draw_kind.supplementary": ("补充抽查", "Supplementary draw"),
        "city.new_batch": ("新建批次", "New batch"),
        "city.create_batch": ("建立批次", "Create the batch"),
        "city.batch_created_ok": ("批次已建立。", "The batch is created."),
        "city.where_filings": ("本批申报所处环节", "Where the batch's filings stand"),
        "city.draw_rule": (
            "抽查对象：已报送市级、申报A级、引领性（全部核查）和B级（按比例抽查）的申报；按县区和行业分层。",
            "Drawn: filings forwarded to the city claiming A or leading (all checked) and B "
            "(sampled at the rate), in strata of county and industry.",
        ),
        "city.draws": ("抽查", "Draws"),
        "city.drawn_at": ("{at} 抽取", "drawn {at}"),
        "city.counts": (
            "{eligible} 件参与，抽中 {selected} 件",
            "{selected} selected of {eligible}",
        ),
        "city.draw_now": ("进行抽查", "Draw the batch"),
        "city.supplementary_hint": (
            "首次抽查后报送市级的申报，通过补充抽查按同样规则抽取。",
            "Filings forwarded after the main draw get a supplementary draw under the same rules.",
        ),
        "city.draw_supplementary": ("补充抽查", "Supplementary draw"),
        "city.drawn_ok": ("抽查已完成，请核验后公布。", "Drawn; verify it, then publish."),
        "city.draw_title": ("{name} · 抽查结果", "{name} · the draw"),
        "city.published_at": ("{at} 已公布", "published {at}"),
        "city.disclose_after": ("{at} 起可告知企业", "plants may be told from {at}"),
        "city.record": ("抽查记录", "Record of the draw"),
        "city.drawn": ("抽取时间", "Drawn"),
        "city.counts_label": ("数量", "Counts"),
        "city.rate": ("抽查比例", "Sampling rate"),
        "city.seed": ("随机种子", "Seed"),
        "city.algorithm": ("抽取方法", "Method"),
        "city.algorithm_words": (
            "按县区、行业分层，以随机种子对每份申报编号计算 HMAC-SHA256 得分，每层抽取得分最低的一定比例",
            "strata of county and industry; each filing scored by HMAC-SHA256 of its number "
            "under the seed; in each stratum the lowest scores up to the rate",
        ),
        "city.eligible_hash": ("参与名单指纹", "Fingerprint of the candidates"),
        "city.selected_hash": ("抽中名单指纹", "Fingerprint of the selection"),
        "city.verify": (
            "用记录的随机种子重新抽取并核验",
            "Re-draw from the recorded seed and verify",
        ),
        "city.verified": (
            "核验一致：用同一随机种子重新抽取，{eligible} 件中抽中的 {selected} 件与记录完全相同。",
            "Verified: re-drawing from the same seed selects the same {selected} of {eligible} "
            "as recorded.",
        ),
        "city.not_verified": (
            "核验不一致：重新抽取的结果与记录不同。",
            "Not verified: re-drawing gives a different result than the record.",
        ),
        "city.strata": ("分层与数量", "Strata and counts"),
        "city.candidates": ("参与", "Candidates"),
        "city.full_checks": ("全部核查", "Full checks"),
        "city.sampled_pool": ("按比例抽查范围", "Sampled pool"),
        "city.sampled": ("抽中", "Sampled"),
        "city.selected": ("现场核查合计", "To check on site"),
        "city.publish_title": ("公布抽查结果", "Publish the draw"),
        "city.publish_hint": (
            "公布后县区审核人员可以看到抽查结果，结果不能再更改；在所填日期之前不得告知企业。",
            "Once published the county reviewers see it and it never changes; the plants may not "
            "be told before the day given.",
        ),
        "city.disclose_day": ("可告知企业的日期", "Plants may be told from"),
        "city.publish": ("公布", "Publish"),
        "city.published_ok": ("抽查结果已公布。", "The draw is published."),
        "city.selected_filings": ("需现场核查的申报", "Filings to check on site"),
        "city.to_teams": ("安排核查组", "Plan the teams"),
        "city.why": ("核查原因", "Why checked"),
        "city.reason.full_check": (
            "申报A级或引领性，全部核查",
            "claims A or leading: always checked",
        ),
        "city.reason.sampled": ("申报B级，抽中", "claims B: drawn"),
        "city.reason.not_sampled": ("申报B级，未抽中", "claims B: not drawn"),
        "city.teams_title": ("{name} · 核查组", "{name} · teams"),
        "city.teams_hint": (
            "系统为每件需核查的申报推荐两名核查员（就近、工作量均衡），已申报利益冲突的核查员和黑名单专家不会被推荐。",
            "Each filing to check gets two inspectors proposed (near, loads balanced); "
            "inspectors with a declared conflict and blacklisted experts are never proposed.",
        ),
        "city.blacklisted_out": (
            "以下专家已列入黑名单，不参与任何核查：",
            "These experts are blacklisted and take part in no check:",
        ),
        "city.reproposal": ("按此核查时间重新推荐", "Propose for these days"),
        "city.plan_teams": ("按推荐安排 {count} 个核查组", "Plan the {count} proposed teams"),
        "city.publish_teams": (
            "下发 {count} 个核查任务到核查员平板",
            "Send the {count} planned checks to the tablets",
        ),
        "city.team": ("核查组", "Team"),
        "city.not_eligible": ("不能参加的人员及原因", "Who may not go, and why"),
        "city.edit_team": ("调整核查组", "Edit the team"),
        "city.save_team": ("保存核查组（第一位为组长）", "Save the team (the first leads)"),
        "city.unstaffed": (
            "可派核查员只有 {eligible} 名，不足组成 {size} 人核查组",
            "only {eligible} inspector(s) may go, too few for a team of {size}",
        ),
        "city.other_assignment": (
            "已有核查任务（另行安排，{status}）",
            "already has a check planned otherwise ({status})",
        ),
        "city.proposed": ("推荐：", "Proposed:"),
        "city.conflict_reason": (
            "{name}：已申报与该企业存在利益冲突",
            "{name}: declared a conflict of interest with this plant",
        ),
        "city.none_selected": ("本次抽查没有需要核查的申报。", "This draw selected no filing."),
        "city.teams_planned_ok": ("已安排 {count} 个核查组。", "{count} teams planned."),
        "city.team_changed_ok": ("核查组已调整。", "The team is changed."),
        "city.teams_published_ok": (
            "已下发 {count} 个核查任务。",
            "{count} checks sent to the tablets.",
        ),
        "city.nothing_planned": (
            "没有待下发的核查任务（可能已经下发）。",
            "No planned check to send (perhaps already sent).",
        ),
        # deadlines board
        "deadlines.title": ("审核期限看板", "Review deadlines"),
        "deadlines.rule": (
            "县区初审7日、市级复审15日（S4 §三）。",
            "7 days for the county's review, 15 for the city's (S4 §3).",
        ),
        "deadlines.within": ("即将到期（天内）", "Due within (days)"),
        "deadlines.overdue": ("已超期", "Overdue"),
        "deadlines.upcoming": ("即将到期", "Due soon"),
        "deadlines.none": ("无。", "None."),
    }
)

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "received": ("已收到", "received"),
    "county_review": ("县区初审中", "county review"),
    "returned": ("退回补正", "returned for supplement"),
    "forwarded": ("已报送市级", "forwarded to the city"),
    "city_review": ("市级复审中", "city review"),
    "decided": ("已决定", "decided"),
    "withdrawn": ("已撤回", "withdrawn"),
    "downgraded": ("已降级", "downgraded"),
}

ACTION_LABELS: dict[str, tuple[str, str]] = {
    "start_county_review": ("开始县区初审", "county review started"),
    "return_for_supplement": ("退回补正", "returned for supplement"),
    "supplement": ("收到补正材料", "supplement received"),
    "forward": ("报送市级", "forwarded to the city"),
    "start_city_review": ("开始市级复审", "city review started"),
    "decide": ("作出决定", "decided"),
    "withdraw": ("企业撤回申请", "withdrawn"),
    "downgrade": ("降级", "downgraded"),
}

CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "energy_type": ("能源类型", "energy type"),
    "equipment_level": ("装备水平", "equipment level"),
    "treatment_technology": ("污染治理技术", "treatment technology"),
    "emission_limits": ("排放限值", "emission limits"),
    "fugitive_emissions": ("无组织排放", "fugitive emissions"),
    "monitoring_level": ("监测监控水平", "monitoring level"),
    "environmental_management": ("环境管理水平", "environmental management"),
    "transport_mode": ("运输方式", "transport mode"),
    "transport_control": ("运输监管", "transport control"),
    "visit": ("现场核查", "the visit"),
}

INSPECTION_STATUS_LABELS: dict[str, tuple[str, str]] = {
    "draft": ("草稿", "draft"),
    "accepted": ("已接收", "accepted"),
    "rejected": ("已退回", "rejected"),
    "withdrawn": ("已撤回", "withdrawn"),
}

CUSTODY_LABELS: dict[str, tuple[str, str]] = {
    "received": ("收到并读取", "received and read"),
    "refused": ("拒收", "refused"),
    "reevaluated": ("重新检查", "checked again"),
    "viewed_preview": ("查看预览图", "preview viewed"),
    "viewed_original": ("查看原图", "original viewed"),
    "downloaded": ("下载原图", "original downloaded"),
}

GRADE_LABELS: dict[str, tuple[str, str]] = {
    "leading": ("绩效引领性", "leading"),
    "non_leading": ("非引领性", "non-leading"),
    "advanced": ("绩效先进性", "advanced"),
    "non_advanced": ("非先进性", "non-advanced"),
}

ROLE_LABELS: dict[str, tuple[str, str]] = {
    "inspector": ("核查员", "inspector"),
    "county_reviewer": ("县区审核人员", "county reviewer"),
    "city_reviewer": ("市级审核人员", "city reviewer"),
    "admin": ("管理员", "administrator"),
}


def select_language() -> None:
    """``?lang=xx`` switches the language for this and later pages (kept in the session)."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
    chosen = session.get("lang")
    g.lang = chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def language() -> str:
    return str(g.get("lang", DEFAULT_LANGUAGE))


def pick(zh: Any, en: Any) -> Any:
    """The text in the page's language (the other one when that is missing)."""
    if language() == "en":
        return en or zh
    return zh or en


def t(key: str, **fields: Any) -> str:
    """A catalogue label in the page's language, its ``{fields}`` filled in."""
    zh, en = MESSAGES[key]
    text = str(pick(zh, en))
    return text.format(**fields) if fields else text


def _label(table: dict[str, tuple[str, str]], code: Any) -> str:
    if code is None:
        return "—"
    value = getattr(code, "value", code)
    pair = table.get(str(value))
    return str(pick(*pair)) if pair else str(value)


def status_label(code: Any) -> str:
    return _label(STATUS_LABELS, code)


def action_label(code: Any) -> str:
    return _label(ACTION_LABELS, code)


def category_label(code: Any) -> str:
    return _label(CATEGORY_LABELS, code)


def inspection_status_label(code: Any) -> str:
    return _label(INSPECTION_STATUS_LABELS, code)


def custody_label(code: Any) -> str:
    return _label(CUSTODY_LABELS, code)


def grade_label(code: Any) -> str:
    return _label(GRADE_LABELS, code)


def role_label(code: Any) -> str:
    return _label(ROLE_LABELS, code)


# words and dossier: names for what the pages showed as codes, and the dossier's new parts.
MESSAGES.update(
    {
        "door.sync": ("平板同步", "tablet sync"),
        "door.upload": ("上传", "upload"),
        "door.api": ("审核页面或接口", "review pages or API"),
        "door.cli": ("命令行", "command line"),
        "dossier.decided": ("审定级别", "Decided grade"),
        "dossier.decided_by": (
            "{proposer} 提议、{confirmer} 确认，{at}",
            "proposed by {proposer}, confirmed by {confirmer}, {at}",
        ),
        "dossier.downgraded_by": (
            "{who} 降级（{check}），{at}",
            "downgraded by {who} ({check}), {at}",
        ),
        "dossier.not_visited": ("未经现场核查", "not checked on site"),
        "dossier.not_visited_hint": (
            "尚无核查员提交的现场核查记录：证据还不支持任何级别，申报级别有待核实。",
            "No inspector has submitted an on-site inspection yet: the evidence supports no "
            "grade so far, and the claim remains to be verified.",
        ),
        "check_kind.sampled_check": ("后期抽查", "sampled check"),
        "check_kind.routine_inspection": ("日常检查", "routine inspection"),
        "check_kind.enforcement": ("监督执法", "enforcement"),
        "decision.closed_state": (
            "该申报目前为“{state}”：只有处于市级复审中的申报可以提交审核决定。",
            "This filing is “{state}”: decisions are proposed only on filings in city review.",
        ),
        "decision.closed_decided": (
            "该申报已审定（“{state}”），不能再提交审核决定；此后的变化以降级处理。",
            "This filing is already decided (“{state}”): no new decision can be proposed; "
            "later changes are downgrades.",
        ),
        "dossier.print": ("打印版（A4）", "Print (A4)"),
        "dossier.map.distance": ("距厂区边界 {m} 米", "{m} m from the site boundary"),
        "photo.distance": ("距厂区边界", "From the site boundary"),
        "print.title": ("审核档案（打印版）", "Review file (print)"),
        "print.hint": (
            "本页按 A4 排版，请用浏览器的“打印”（Ctrl+P）打印或存为 PDF。",
            "This page is laid out for A4: print it or save it as PDF with the browser (Ctrl+P).",
        ),
        "print.heading": (
            "重污染天气重点行业绩效分级 · 现场核查审核档案",
            "Performance grading · on-site verification review file",
        ),
        "print.site": ("厂区 / 县区", "Site / county"),
        "print.grades": ("级别", "Grades"),
        "print.not_decided": ("尚未审定", "not decided yet"),
        "print.findings": ("核查结论", "Findings"),
        "print.reasons": ("依据", "Why"),
        "print.visits": ("现场核查与照片", "Visits and photos"),
        "print.photos": (
            "现场照片共 {count} 张；有警告或严重问题的照片如下。",
            "{count} photo(s) in all; those with warnings or critical flags:",
        ),
        "print.printed": ("{who} 打印于 {at}（北京时间）", "Printed by {who} on {at} (China time)"),
        "print.signature": (
            "审核人签字：＿＿＿＿＿＿  日期：＿＿＿＿＿＿",
            "Reviewer's signature: ____________  Date: ________",
        ),
        "photo.metres": ("{m} 米", "{m} m"),
        "photo.previous": ("上一张", "Previous"),
        "photo.next": ("下一张", "Next"),
    }
)

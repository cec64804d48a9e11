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
        "仅限县区、市级审核人员及管理员。检查员请使用平板应用。",
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
        "审核页面仅供县区、市级审核人员和管理员使用；检查员请使用平板应用。",
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
    "dossier.disagreement": ("检查员意见不一致", "inspectors disagree"),
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
    "dossier.chart.on_site": ("检查员在现场", "inspectors on site"),
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
    "photo.inspector": ("检查员", "Inspector"),
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
        "证据包按申报导出：在申报档案页下载；照片位置图（GeoJSON）经接口 /api/exports/photos.geojson 提供。",
        "Evidence packages are per filing, from its dossier; the photo map (GeoJSON) is at "
        "/api/exports/photos.geojson.",
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
        "上传市局的申报清单（Excel .xlsx）：先检查，逐行列出问题；全部无误后再导入。",
        "Upload the bureau's application list (Excel .xlsx): check it first, every bad row is "
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
    "admin.import.no_file": ("请选择要上传的 .xlsx 文件。", "Choose the .xlsx file to upload."),
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
    "inspector": ("检查员", "inspector"),
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

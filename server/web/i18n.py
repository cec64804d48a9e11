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

"""The one table of notices: event → who receives it → the message (docs/notifications.md).

Every notice the system sends is a line here. An action names its event and passes the objects the
message speaks of (``send("finding.raised", audit=…, finding=…)``); the table says who receives it and
what it says, so a test can walk every line and check that the notice reaches the right people and nobody
else (tests/ops/test_notification_table.py).

Messages are written in Chinese, like the records (RR-language): they also go out by e-mail, where the
reader's language choice is unknown. Placeholders are ``str.format`` fields over the objects passed.

Audiences (roles are walls, docs/security.md):
- ``CLIENT``: the active users of the organisation concerned — never another organisation's;
- ``LEADER``: the team leader of the audit concerned; ``TEAM``: everyone on its team;
- ``NAMED``: the people the action names (the complainant, the investigator);
- a staff role (``Role.…``): every active member of staff holding it.
The person who caused the event is left out (they know), except for ``NAMED``.
"""

from __future__ import annotations

from dataclasses import dataclass

from tancert.people.models import Role

CLIENT, LEADER, TEAM, NAMED = "client", "leader", "team", "named"
REVIEWER, PLANNER = Role.APPLICATION_REVIEWER.value, Role.PROGRAMME_MANAGER.value
DECIDER, CERTADMIN = Role.DECISION_MAKER.value, Role.CERTIFICATE_ADMIN.value


@dataclass(frozen=True)
class Notice:
    audience: tuple[str, ...]
    subject: str
    body: str = ""
    link: str = ""
    reminder: bool = False  # sent by `tancert sweep`, once (ops/reminders.remind_once)


APP = "/applications/{application.pk}/"
AUDIT = "/audits/{audit.pk}/"
FINDING = "/audits/{audit.pk}/#finding-{finding.pk}"
REPORT = "/audits/{audit.pk}/report/"
CERT = "/certificates/{certificate.pk}/"
ORG = "/organisations/{organisation.pk}/"
DECIDE = "/decisions/audit/{audit.pk}/"

EVENTS: dict[str, Notice] = {
    # --- the client: every step it must act on or learn of ----------------------------------------------
    "application.supplement_requested": Notice((CLIENT,), "认证申请需要补充材料", "{missing}", APP),
    "application.accepted": Notice((CLIENT,), "认证申请已受理", "{reason}", APP),
    "application.rejected": Notice((CLIENT,), "认证申请不予受理", "{reason}", APP),
    "contract.issued": Notice((CLIENT,), "认证合同 {contract.number} 待签署", "报价 {total} 元，请在线确认签署。", APP),
    "contract.payment_received": Notice((CLIENT,), "已收到认证费用 {amount} 元{shortfall}", "", APP),
    "audit.plan_issued": Notice((CLIENT, TEAM), "{kind}计划已发布：{audit.start_date} 至 {audit.end_date}",
                                "{organisation.name}：请查看审核计划并按计划做好准备。", AUDIT),
    "finding.raised": Notice((CLIENT,), "{kind}开具{grade} #{finding.number}，请在 {due} 前提交纠正措施",
                             "{finding.description}", FINDING),
    "finding.accepted": Notice((CLIENT,), "不符合项 #{finding.number} 的纠正措施已被接受", "{note}", FINDING),
    "finding.verified": Notice((CLIENT,), "不符合项 #{finding.number} 已验证关闭", "{note}", FINDING),
    "finding.returned": Notice((CLIENT,), "不符合项 #{finding.number} 的纠正措施被退回，请修改后重新提交", "{note}",
                               FINDING),
    # The client reads the audit report once the decision is made (audits/report/actions.can_open).
    "decision.made": Notice((CLIENT,), "认证决定：{outcome}", "{reason}\n审核报告已可在线查看。", REPORT),
    "certificate.issued": Notice((CLIENT,), "证书 {certificate.number} 已颁发",
                                 "有效期至 {certificate.expiry_date}。", CERT),
    "certificate.suspended": Notice((CLIENT,), "证书 {certificate.number} 已暂停，请在 {respond_by} 前完成整改",
                                    "{summary}", CERT),
    "certificate.restored": Notice((CLIENT,), "证书 {certificate.number} 已恢复", "{summary}", CERT),
    "certificate.withdrawn": Notice((CLIENT,), "证书 {certificate.number} 已撤销", "{summary}", CERT),
    "certificate.cancelled": Notice((CLIENT,), "证书 {certificate.number} 已注销", "{summary}", CERT),
    "certificate.expired": Notice((CLIENT,), "证书 {certificate.number} 已到期失效", "{summary}", CERT),
    "certificate.mark_misuse": Notice((CLIENT,), "认证标志使用不当：{certificate.number}", "{description}\n{action}",
                                      CERT),
    "certificate.change_refused": Notice((CLIENT,), "证书 {certificate.number} 的变更申请未获批准", "{note}", CERT),
    "certificate.change_decided": Notice((CLIENT,), "证书 {certificate.number} 的变更{verdict}", "{note}", CERT),
    "certificate.renewal_due": Notice((CLIENT,), "证书 {certificate.number} 将于 {certificate.expiry_date} 到期，请申请再认证",
                                      "证书到期前 90 天内提出再认证申请。", CERT, reminder=True),
    "surveillance.due": Notice((CLIENT,), "{state}：{window}窗口 {earliest} 至 {latest}",
                               "监督审核间隔不超过 12 个月，认证机构将与您联系安排审核。", ORG, reminder=True),
    "finding.overdue": Notice((CLIENT, LEADER), "不符合项 #{finding.number} 的纠正措施已逾期（期限 {finding.due_date}）",
                              "{organisation.name}：{finding.description}", FINDING, reminder=True),

    # --- the audit team ----------------------------------------------------------------------------------
    "audit.assigned": Notice((TEAM,), "您已被安排参加{kind}：{organisation.name}，{audit.start_date} 至 {audit.end_date}",
                             "", AUDIT),
    "finding.responded": Notice((LEADER,), "{organisation.name} 已回复不符合项 #{finding.number}，请评审", "", FINDING),
    "audit.report_to_sign": Notice((LEADER,), "{kind}已结束，请签署审核报告：{organisation.name}", "", REPORT),
    # The client's answer to the plan (CB-audit-plan-agreed): whoever issues plans — the team leader or the
    # programme manager — confirms the arrangements or issues a new version.
    "audit.plan_answered": Notice((LEADER, PLANNER), "{organisation.name} {answer}{kind}计划第 {version} 版",
                                  "{reason}", AUDIT + "#plan-answer"),

    # --- the office: the item waiting for each role ------------------------------------------------------
    "application.submitted": Notice((REVIEWER,), "新的认证申请待评审：{organisation.name}", "受理期限 {deadline}", APP),
    "contract.signed": Notice((REVIEWER,), "{organisation.name} 已签署认证合同", "", APP),
    "contract.paid": Notice((PLANNER,), "{organisation.name} 可以策划审核", "", APP),
    "application.deadline_tomorrow": Notice(
        (REVIEWER,), "明天到期：{organisation.name} 的认证申请需在 {deadline} 前作出受理决定",
        "资料齐全后 3 个工作日内作出受理或不予受理的决定。", APP, reminder=True),
    "programme.window_due": Notice((PLANNER,), "{state}：{organisation.name} 的{window}窗口 {earliest} 至 {latest}",
                                   "监督审核间隔不超过 12 个月，请尽快策划审核。", "/organisations/{organisation.pk}/programme/",
                                   reminder=True),
    # CB-checkin: the body explains each check-in anomaly within 5 working days after the audit ends.
    "audit.checkin_explanation_due": Notice((PLANNER,), "签到异常说明{state}：{organisation.name}（期限 {due}）",
                                            "{count} 项签到异常尚无认证机构的说明。", AUDIT + "#checkins",
                                            reminder=True),
    "audit.awaiting_decision": Notice((DECIDER,), "待认证决定：{organisation.name} 的{kind}报告已签署", "", DECIDE),
    "decision.to_issue": Notice((CERTADMIN,), "待颁发证书：{organisation.name}（{outcome}）", "", "/decisions/"),
    "certificate.change_requested": Notice((CERTADMIN,), "证书变更申请待审核：{certificate.number}", "", CERT),
    "certificate.change_to_decide": Notice((DECIDER,), "证书变更待决定：{certificate.number}", "", CERT),
    "transfer.to_decide": Notice((DECIDER,), "转换申请待决定：{organisation.name}", "", "/transfers/{review.pk}/"),
    "transfer.accepted": Notice((CERTADMIN,), "转换已接受，待颁发证书：{organisation.name}", "", "/decisions/"),
    "certificate.suspension_proposed": Notice((DECIDER,), "建议暂停证书 {certificate.number}（{trigger}）：{source}",
                                              "{detail}", "/decisions/#proposals"),
    "certificate.withdrawal_proposed": Notice((DECIDER,), "建议撤销证书 {certificate.number}：暂停期满未整改", "", CERT,
                                              reminder=True),
    "certificate.suspension_evidence": Notice((DECIDER,), "证书 {certificate.number} 的持有人提交了解除暂停的证据",
                                              "{message}", CERT),
    # A holder's notice of a change or serious event (certificates/notices): the programme manager reviews it.
    "notice.lodged": Notice((PLANNER,), "获证组织通报{kind}：{certificate.number}，请评审", "{text}",
                            "/notices/{notice.pk}/"),
    "notice.resolved": Notice((CLIENT,), "您的通报已评审：{resolution}", "{text}", "/notices/{notice.pk}/"),
    "complaint.lodged": Notice((PLANNER,), "收到投诉 {complaint.reference}，请指定调查人", "{text}",
                               "/complaints/{complaint.pk}/"),
    "complaint.acknowledged": Notice((NAMED,), "投诉 {complaint.reference} 已受理", "{text}",
                                     "/complaints/{complaint.pk}/"),
    "complaint.assigned": Notice((NAMED,), "请调查投诉 {complaint.reference}", "{text}", "/complaints/{complaint.pk}/"),
    "complaint.investigated": Notice((DECIDER,), "投诉 {complaint.reference} 调查完成，待决定", "{text}",
                                     "/complaints/{complaint.pk}/"),
    "complaint.decided": Notice((NAMED,), "投诉 {complaint.reference} 处理结果：{outcome}", "{text}",
                                "/complaints/{complaint.pk}/"),
    "complaint.due": Notice((PLANNER,), "投诉 {complaint.reference} 答复期限 {complaint.respond_by} 已到", "",
                            "/complaints/{complaint.pk}/", reminder=True),
    "appeal.lodged": Notice((DECIDER,), "收到申诉 {appeal.reference}（{kind}）", "{text}",
                            "/complaints/appeals/{appeal.pk}/"),
    "appeal.acknowledged": Notice((NAMED,), "申诉 {appeal.reference} 已受理", "您的申诉已受理，编号 {appeal.reference}。",
                                  "/complaints/appeals/{appeal.pk}/"),
    "appeal.decided": Notice((NAMED,), "申诉 {appeal.reference} 处理结果：{outcome}", "{text}",
                             "/complaints/appeals/{appeal.pk}/"),
    "appeal.upheld": Notice((DECIDER,), "申诉 {appeal.reference} 成立：请重新考虑原决定", "{text}",
                            "/complaints/appeals/{appeal.pk}/"),
    "regulator.report_due": Notice((CERTADMIN,), "{period} 的认证信息报送{state}（截止 {due}）", "证书、审核计划、审核结果及证书状态变化按月报送（次月 10 日前）。",
                                   "/certificates/export/", reminder=True),
}

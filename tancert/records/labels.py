"""Chinese labels of record actions (docs/i18n.md, Language discipline).

The records page, a record's page and the organisation's history show what happened in Chinese; the action
code itself (``certificate.issued``) is kept small beside it for staff who search the logs by code. An
action this table does not know is shown by its subject (``certificate.*`` → 证书), never as a bare code.
"""

from __future__ import annotations

SUBJECTS = {
    "application": "认证申请", "audit": "审核", "calendar": "工作日历", "certificate": "证书", "checklist": "检查表",
    "contract": "认证合同", "decision": "认证决定", "finding": "审核发现", "organisation": "组织",
    "programme": "审核方案", "record": "记录", "records": "记录", "register": "人员注册", "regulator": "监管报送",
    "stage1": "第一阶段审核", "transfer": "认证转换", "user": "用户",
}

ACTIONS = {
    "organisation.event_offsets_registered": "登记活动碳中和抵销",
    "application.commitment_given": "签署申请承诺", "application.created": "创建认证申请",
    "application.document_not_applicable": "申请文件标为不适用", "application.document_uploaded": "上传申请文件",
    "application.simple_process_judged": "判定技术明晰、过程简单", "application.submitted": "提交认证申请",
    "application.supplement_requested": "要求补充申请材料", "application.updated": "更新申请信息",
    "application.scope_levels_set": "确定碳管理量化层面",
    "application.accepted": "受理认证申请", "application.rejected": "不予受理认证申请",
    "audit.checked_in": "审核签到", "audit.checkin_setting": "设置审核签到", "audit.checkin_explained": "签到异常说明", "audit.completed": "审核结束",
    "audit.data_finding_confirmed": "确认数据质量发现", "audit.level_uploaded": "上传量化层面工作簿", "audit.level_finding_confirmed": "确认量化层面数据发现",
    "audit.level_finding_dismissed": "排除量化层面数据发现", "audit.level_frozen": "冻结量化层面数据", "audit.data_finding_dismissed": "排除数据质量发现",
    "audit.figures_frozen": "冻结碳数据", "audit.monte_carlo_run": "运行蒙特卡洛不确定性分析", "audit.inventory_uploaded": "上传排放清单",
    "audit.plan_issued": "发布审核计划", "audit.agenda_saved": "保存审核日程", "audit.plan_answered": "受审核方答复审核计划",
    "audit.planned": "策划审核", "audit.replanned": "调整审核安排", "audit.report_signed": "签署审核报告",
    "audit.sample_checked": "核对抽样记录", "audit.meter_series_uploaded": "上传计量数据序列", "audit.team_confirmed": "确认审核组",
    "calendar.day_removed": "删除日历日", "calendar.day_set": "设置日历日",
    "certificate.change_decided": "决定证书变更", "certificate.change_proposed": "提出证书变更",
    "certificate.change_requested": "申请证书变更", "certificate.change_reviewed": "审查证书变更",
    "certificate.changed": "证书变更", "certificate.english_version": "出具英文版证书", "certificate.issued": "颁发证书",
    "certificate.mark_misuse": "记录认证标志误用", "certificate.renewal_applied": "申请再认证",
    "certificate.serious_event_reported": "报告严重事件", "certificate.surveillance_recorded": "记录监督审核结果", "certificate.surveillance_overdue": "监督审核逾期",
    "certificate.suspension_proposal_accepted": "采纳暂停建议", "certificate.suspension_proposal_dismissed": "驳回暂停建议",
    "certificate.suspension_proposed": "提出暂停建议", "certificate.withdrawal_proposed": "提出撤销建议",
    "certificate.suspended": "暂停证书", "certificate.restored": "恢复证书", "certificate.withdrawn": "撤销证书",
    "certificate.cancelled": "注销证书", "certificate.expired": "证书到期",
    "certificate.suspension_evidence": "提交暂停整改证据",
    "complaint.lodged": "受理投诉", "complaint.investigator_assigned": "指定投诉调查人",
    "complaint.investigated": "记录投诉调查结果", "complaint.decided": "作出投诉处理决定",
    "appeal.lodged": "受理申诉", "appeal.decided": "作出申诉决定",
    "notice.lodged": "获证组织通报变更或事件", "notice.resolved": "评审获证组织通报",
    "finding.rechecked": "复查以往不符合项",
    "audit.remote_deviation_requested": "申请远程审核偏离", "audit.remote_deviation_decided": "决定远程审核偏离",
    "user.passkey_enrolled": "添加通行密钥", "user.passkey_removed": "删除通行密钥",
    "user.passkey_failed": "通行密钥验证失败",
    "checklist.answered": "填写检查表", "checklist.created": "建立检查表", "checklist.evidence_added": "添加审核证据",
    "contract.issued": "出具认证合同", "contract.paid": "确认合同付款", "contract.signed": "签署认证合同",
    "decision.made": "作出认证决定", "decision.vote": "认证决定投票",
    "finding.raised": "开具审核发现", "finding.responded": "提交纠正措施", "finding.accepted": "接受纠正措施",
    "finding.rejected": "退回纠正措施", "finding.verified": "验证审核发现", "finding.closed": "关闭审核发现",
    "organisation.registered": "注册组织", "organisation.updated": "更新组织信息",
    "programme.built": "建立审核方案", "programme.entry_replanned": "调整审核方案",
    "programme.extra_surveillance_added": "增加监督审核",
    "record.original_attached": "附加纸质原件扫描件", "records.exported": "导出完整记录", "records.key_rotated": "更换记录密钥",
    "register.cpd_completed": "完成继续教育", "register.cpd_plan_set": "制定继续教育计划",
    "register.qualification_type_added": "增加资格类型", "regulator.exported": "导出监管报送数据",
    "stage1.recorded": "记录第一阶段审核", "transfer.decided": "决定认证转换", "transfer.reviewed": "审查认证转换",
    "user.otp_enrolled": "设置双因素登录", "user.otp_removed": "移除双因素登录", "user.recovery_code_used": "使用恢复码",
    "user.recovery_codes_renewed": "更新恢复码", "user.role_granted": "授予角色", "user.role_revoked": "撤销角色",
    "user.staff_created": "创建员工账号", "user.token_created": "创建接口令牌", "user.token_revoked": "吊销接口令牌",
    "user.unlocked": "解除账号锁定", "user.password_changed": "修改密码", "user.password_reset": "重置密码",
    "user.roles_changed": "更改角色", "user.deactivated": "停用账户", "user.reactivated": "重新启用账户",
    "user.notice_email_set": "设置邮件通知",
    "application.action_plan_added": "增加碳管理措施计划", "application.target_added": "增加碳目标",
    "organisation.certification_added": "登记已获认证", "organisation.market_year_added": "登记碳市场报送年度",
    "organisation.site_added": "增加场所",
    "register.competence_added": "登记能力评价", "register.conflict_declared": "声明利益冲突",
    "register.cpd_added": "登记继续教育", "register.experience_added": "登记工作经历",
    "register.qualification_added": "登记资格", "register.registration_added": "登记 CCAA 注册",
    "register.unavailability_added": "登记不可安排日期",
    "register.witness_added": "登记见证审核", "register.evaluation_added": "登记审核员年度绩效评价",
    "register.training_added": "登记培训记录",
}
# Removals are named by what was removed (register.cpd_removed → 删除继续教育).
REMOVED = {"registration": "CCAA 注册", "qualification": "资格", "experience": "工作经历", "competence": "能力评价",
           "cpd": "继续教育", "conflict": "利益冲突声明", "unavailability": "不可安排日期", "site": "场所",
           "certification": "已获认证", "market_year": "碳市场报送年度", "target": "碳目标", "action_plan": "碳管理措施计划",
           "monitoring": "见证审核或绩效评价记录", "training": "培训记录"}


def action_label(action: str) -> str:
    """The Chinese label of a record action; its subject's label for one this table does not know yet."""
    if action in ACTIONS:
        return ACTIONS[action]
    subject, _, verb = action.partition(".")
    if verb.endswith("_removed") and verb[: -len("_removed")] in REMOVED:
        return f"删除{REMOVED[verb[: -len('_removed')]]}"
    # Register entries are ended, never deleted (CB-register-history): register.cpd_ended → 终止继续教育.
    if verb.endswith("_ended") and verb[: -len("_ended")] in REMOVED:
        return f"终止{REMOVED[verb[: -len('_ended')]]}"
    return f"{SUBJECTS.get(subject, '系统')}记录"

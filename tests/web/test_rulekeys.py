"""Rule keys for staff only; clients and documents get the clause in Chinese (docs/i18n.md, Language discipline)."""

from types import SimpleNamespace

from django.template import Context, Template

from tancert.records.labels import action_label
from tancert.scheme import rulebook

STAFF = SimpleNamespace(is_authenticated=True, is_client=False)
CLIENT = SimpleNamespace(is_authenticated=True, is_client=True)


def render(source: str, user=None) -> str:
    return Template(source).render(Context({"user": user} if user else {}))


def test_staff_see_the_key_with_the_rule_text_on_hover():
    html = render('{% rule "R7.2-deadline" %}', STAFF)
    assert 'class="rule"' in html and ">R7.2-deadline<" in html
    assert f'title="{rulebook.rule("R7.2-deadline").title_zh}' in html


def test_clients_anonymous_visitors_and_documents_see_no_key():
    assert render('{% rule "R7.2-deadline" %}', CLIENT) == ""
    assert render('{% rule "R7.2-deadline" %}', SimpleNamespace(is_authenticated=False)) == ""
    assert render('{% rule "R7.2-deadline" %}') == ""  # a PDF is rendered without a request


def test_body_policy_is_shown_to_staff_in_chinese():
    assert ">本机构规定<" in render('{% rule "body policy" %}', STAFF)


def test_a_document_names_the_clause_not_the_key():
    assert render('{{ "R7.3.3"|basis }}') == "认证规则第7.3.3条"
    assert render('{{ "RB"|basis }}') == "认证规则附录B"
    assert render('{{ "body policy"|basis }}') == "本机构规定"
    assert render('{{ "IAF MD5"|basis }}') == "IAF MD5"


def test_a_finding_raised_by_the_carbon_check_cites_the_clause_to_clients():
    # The carbon check stores the key as the finding's clause; the audit page, the findings list and the report
    # show the clause of the rules, and staff also get the key.
    assert render('{{ "R6.2-calibration"|clause_text }}') == "认证规则第6.2条"
    assert render('{{ "7.4.2 b)"|clause_text }}') == "7.4.2 b)"  # a T/CCAA 39 clause typed by the auditor
    assert rulebook.citation("R6.2-crosscheck") == "认证规则第6.2条"


def test_record_actions_have_chinese_labels():
    assert action_label("certificate.issued") == "颁发证书"
    assert action_label("register.cpd_removed") == "删除继续教育"
    assert action_label("certificate.something_new") == "证书记录"  # never a bare code


def test_clause_tree_versions_read_in_chinese():
    assert rulebook.clause_tree_label("inferred-2026-11") == "推定版（2026-11）"


def test_an_error_message_names_its_key_to_staff_only():
    """A refused step tells a client what to do; staff also see the key to look the rule up."""
    from tancert.scheme.violations import RuleViolation
    from tancert.ui.actionview import violation_text

    v = RuleViolation("R12", "请上传碳排放清单。", field="file")  # an informative key: no mutation switches it
    assert "R12" in str(violation_text(v, STAFF)) and "请上传碳排放清单。" in str(violation_text(v, STAFF))
    shown = '<span data-rule="R12">请上传碳排放清单。</span>'  # the key only in an attribute, never as text
    assert str(violation_text(v, CLIENT)) == shown
    assert str(violation_text(v, SimpleNamespace(is_authenticated=False))) == shown


def test_every_recorded_action_has_its_own_chinese_label():
    """Each action the code appends (chain.append("x.y", …)) reads as itself on the records page, not as the
    generic 系统记录 / 证书记录 fallback."""
    import re
    from pathlib import Path

    from tancert.records.labels import ACTIONS

    root = Path(__file__).resolve().parents[2] / "tancert"
    appended = {m for f in root.rglob("*.py")
                for m in re.findall(r'chain\.append\(\s*"([a-z_]+\.[a-z_]+)"', f.read_text(encoding="utf-8"))}
    assert appended and sorted(appended - set(ACTIONS)) == []

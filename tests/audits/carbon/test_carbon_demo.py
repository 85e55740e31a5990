"""The demo seed: 东方水泥's stage 2 has its inventory uploaded and the sample partly checked."""

import pytest

pytestmark = pytest.mark.django_db


def test_demo_cement_audit_has_an_inventory_with_a_partly_checked_sample(client):
    from tancert.audits.models.carbon import InventoryUpload
    from tancert.demo import seed as demo
    from tancert.people.models import User

    demo.seed()
    up = InventoryUpload.objects.get(audit__organisation__name="东方水泥集团有限公司")
    assert up.results["organisation"] == "东方水泥集团有限公司"
    assert 0 < up.checks.count() < len(up.sample)
    for username, forms in (("cement", 0), ("auditor", len(up.sample) - up.checks.count())):
        client.force_login(User.objects.get(username=username))
        page = client.get(f"/audits/{up.audit_id}/carbon/").content.decode()
        assert page.count('class="check-form"') == forms
        assert page.count('class="checked agrees"') == up.checks.count()

from apps.keys.models import GatewayKey
from apps.tenancy.models import Role
from apps.tenancy.scope import scope_for
from tests.factories import GatewayKeyFactory


def test_owner_sees_every_team_of_the_org(owner, platform, payments):
    assert set(scope_for(owner).team_ids) == {platform.id, payments.id}


def test_manager_sees_only_their_team(manager, platform, payments):
    scope = scope_for(manager)
    assert scope.team_ids == [platform.id]
    assert scope.has_role(Role.MANAGER, platform.id)
    assert not scope.has_role(Role.VIEWER, payments.id)


def test_developer_sees_only_their_own_rows_in_their_team(alice, manager, platform):
    own = GatewayKeyFactory(team=platform, user=alice)
    GatewayKeyFactory(team=platform, user=manager)
    visible = scope_for(alice).filter(GatewayKey.objects.all())
    assert list(visible) == [own]


def test_viewer_sees_the_whole_team_but_cannot_manage(viewer, alice, platform):
    GatewayKeyFactory(team=platform, user=alice)
    scope = scope_for(viewer)
    assert scope.filter(GatewayKey.objects.all()).count() == 1
    assert not scope.has_role(Role.DEVELOPER, platform.id)


def test_outsider_sees_nothing_of_another_org(outsider, alice, platform):
    GatewayKeyFactory(team=platform, user=alice)
    assert scope_for(outsider).filter(GatewayKey.objects.all()).count() == 0


def test_anonymous_scope_is_empty(db):
    from django.contrib.auth.models import AnonymousUser

    assert scope_for(AnonymousUser()).is_empty

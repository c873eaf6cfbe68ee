from tests.api.conftest import World


def test_world_builds(world: World) -> None:
    r = world.get("plan", "/teams")
    assert [t["id"] for t in r.json()] == ["t1", "t2"]

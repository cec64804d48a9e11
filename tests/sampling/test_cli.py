"""``flask draw create`` and ``flask draw verify``: re-drawing from the record confirms the list."""

from sqlalchemy import select

from server.accounts.models import Role
from server.sampling.models import Draw, DrawEntry


def test_create_then_verify(app, session, make_batch, make_city_filing, make_user):
    batch = make_batch()
    for _ in range(6):
        make_city_filing("B")
    user = make_user(Role.city_reviewer)
    runner = app.test_cli_runner()
    created = runner.invoke(args=["draw", "create", str(batch.id), "--as-user", user.username])
    assert created.exit_code == 0, created.output
    draw = session.scalars(select(Draw).where(Draw.batch_id == batch.id)).one()
    assert f"draw {draw.id} (main) of batch {batch.id}: 2 of 6 selected" in created.output
    assert draw.seed in created.output

    verified = runner.invoke(args=["draw", "verify", str(draw.id)])
    assert verified.exit_code == 0, verified.output
    assert f"draw {draw.id} verified: re-drawing selects the same 2 of 6 filings" in verified.output


def test_verify_fails_when_the_record_was_changed(
    app, session, make_batch, make_city_filing, make_user
):
    batch = make_batch()
    for _ in range(3):
        make_city_filing("B")
    user = make_user(Role.city_reviewer)
    runner = app.test_cli_runner()
    runner.invoke(
        args=["draw", "create", str(batch.id), "--as-user", user.username, "--seed", "abc"]
    )
    draw = session.scalars(select(Draw).where(Draw.batch_id == batch.id)).one()
    draw.seed = "abd"  # as if someone edited the row
    session.flush()
    result = runner.invoke(args=["draw", "verify", str(draw.id)])
    assert result.exit_code == 1
    assert f"draw {draw.id} does NOT verify" in result.output
    entry = session.scalars(select(DrawEntry).where(DrawEntry.draw_id == draw.id)).first()
    assert entry is not None


def test_create_refusals_exit_non_zero(app, make_batch, make_user):
    batch = make_batch()
    user = make_user(Role.city_reviewer)
    runner = app.test_cli_runner()
    empty = runner.invoke(args=["draw", "create", str(batch.id), "--as-user", user.username])
    assert empty.exit_code == 1
    assert "sampling.no_filings" in empty.output
    low = runner.invoke(
        args=["draw", "create", str(batch.id), "--as-user", user.username, "--rate", "0.1"]
    )
    assert low.exit_code == 1
    assert "sampling.rate_too_low" in low.output
    missing = runner.invoke(args=["draw", "verify", "424242"])
    assert missing.exit_code == 1
    assert "no draw 424242" in missing.output

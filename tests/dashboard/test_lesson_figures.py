"""Static lesson figures for classrooms without a server."""

import json

import pytest
from PIL import Image

from dashboard import lesson_figures
from dashboard.lessons import lesson


def test_lesson_figures_write_png_handout_and_provenance(tmp_path, capsys):
    """The command writes one PNG per lesson asked for, the handout and provenance; folder last."""
    out = tmp_path / "lessons"
    lesson_figures.main(
        [
            "--out",
            str(out),
            "--seeds",
            "1",
            "2",
            "--lessons",
            "leadership_ripple",
            "fixes_that_fail",
        ]
    )
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed[-1] == str(out.resolve())
    for key in ("leadership_ripple", "fixes_that_fail"):
        with Image.open(out / f"{key}.png") as image:
            assert image.width > 800 and image.height > 300
    handout = (out / "lessons.md").read_text()
    assert lesson("fixes_that_fail").look_for in handout
    assert "![" in handout and "understaffing" not in handout
    record = json.loads((out / "provenance.json").read_text())
    assert record["seeds"] == [1, 2]
    assert set(record["lessons"]) == {"leadership_ripple", "fixes_that_fail"}
    assert not list(out.glob(".*"))  # no temporary files left behind


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--seeds", "-1"], "'seeds'"), (["--lessons", "no_such_lesson"], "unknown lesson")],
)
def test_lesson_figures_reject_bad_arguments(args, message, tmp_path, capsys):
    """A bad seed or lesson stops the command with the setting named, before any file is written."""
    with pytest.raises(SystemExit):
        lesson_figures.main(["--out", str(tmp_path / "x"), *args])
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x").exists()

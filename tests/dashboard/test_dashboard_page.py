"""The dashboard page rendered without a browser (solara.render), and its command line."""

import html
import inspect
import re
import subprocess
import sys
from pathlib import Path

import ipyvuetify as v
import ipywidgets as widgets
import pytest
import solara
from mesa.visualization.solara_viz import _check_model_params

from dashboard import app, server
from dashboard.lessons import LESSONS, PAGE_DEFAULTS, ClassroomModel

ROOT = Path(__file__).resolve().parents[2]


@solara.component
def _InLayout():
    with solara.AppLayout():
        app.Page()


@pytest.fixture
def page():
    """The page rendered in an app layout, starting in free play."""
    app.current_preset.set(None)
    _, rc = solara.render(_InLayout(), handle_error=False)
    yield rc
    app.current_preset.set(None)
    rc.close()


def _button(rc, label):
    return rc.find(v.Btn, children=[label]).widget


def _widgets(widget, seen):
    """Every widget below ``widget`` (through widget-valued traits)."""
    if id(widget) in seen:
        return
    seen.add(id(widget))
    yield widget
    for key in widget.keys:
        value = getattr(widget, key, None)
        values = list(value.values()) if isinstance(value, dict) else value
        for child in values if isinstance(values, list | tuple) else [values]:
            if isinstance(child, widgets.Widget):
                yield from _widgets(child, set(seen))


def _text(rc):
    """The page's text: every string trait of every widget, tags removed, spaces collapsed."""
    values = []
    for widget in _widgets(rc.find(widgets.Widget).widget, set()):
        for key in widget.keys:
            value = getattr(widget, key, None)
            if isinstance(value, str):
                values.append(value)
            elif isinstance(value, list | tuple):
                values += [x for x in value if isinstance(x, str)]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", " ".join(values))).split())


def test_model_params_are_accepted_by_the_classroom_model():
    """Every control of the page is a keyword the model takes (Mesa's own check passes)."""
    params = app.model_params(PAGE_DEFAULTS)
    _check_model_params(ClassroomModel.__init__, params)
    values = {
        k: (p["value"] if isinstance(p, dict) and "type" in p else p) for k, p in params.items()
    }
    assert ClassroomModel(**values).summary() == ClassroomModel(**PAGE_DEFAULTS).summary()
    assert "rng" in inspect.signature(ClassroomModel).parameters


def test_every_preset_value_lies_on_its_sliders_steps():
    """Sliders show each preset's exact value (the browser would snap an off-step value)."""
    for preset in [p for item in LESSONS for p in item.presets]:
        for name, spec in app.model_params(preset.settings()).items():
            if isinstance(spec, dict) and spec.get("type") == "SliderFloat":
                steps = (spec["value"] - spec["min"]) / spec["step"]
                assert spec["min"] <= spec["value"] <= spec["max"], (preset.label, name)
                assert steps == pytest.approx(round(steps), abs=1e-9), (preset.label, name)


def test_page_renders_every_plot_and_the_organization(page):
    """The page shows six figures (organization and five plots) and this week's numbers."""
    images = page.find(widgets.Image).widgets
    assert len(images) == 6
    assert all(len(bytes(image.value)) > 5000 for image in images)
    assert "Burnout prevalence" in _text(page)


def test_step_updates_plots_and_numbers_match_the_model(page):
    """Step advances one week; figures change and the numbers equal a direct model run."""
    before = [bytes(i.value) for i in page.find(widgets.Image).widgets]
    _button(page, "Step").click()
    _button(page, "Step").click()
    page.find(children=["Time: 2.0"]).assert_single()
    after = [bytes(i.value) for i in page.find(widgets.Image).widgets]
    assert all(a != b for a, b in zip(before, after, strict=True))
    expected = ClassroomModel(**PAGE_DEFAULTS)
    expected.run_for(2)
    text = _text(page)
    for key, value in app.headline(expected).items():
        assert f"{key} {value}" in text


@pytest.mark.slow
def test_slider_then_reset_rebuilds_the_model_with_the_new_value(page):
    """Moving the demand slider and pressing Reset runs the model at the new demand."""
    slider = next(
        w for w in page.find(v.Slider).widgets if str(w.label).startswith("Patient demand")
    )
    slider.v_model = 1.3
    _button(page, "Reset").click()
    _button(page, "Step").click()
    page.find(children=["Time: 1.0"]).assert_single()
    expected = ClassroomModel(**{**PAGE_DEFAULTS, "demand_level": 1.3})
    expected.run_for(1)
    text = _text(page)
    for key, value in app.headline(expected).items():
        assert f"{key} {value}" in text


@pytest.mark.slow
def test_lesson_preset_loads_its_settings_and_teacher_text(page):
    """A lesson button re-creates the model with the preset's settings and shows its text."""
    item = LESSONS[2]
    _button(page, item.presets[0].label).click()
    assert app.current_preset.value == (2, 0)
    text = _text(page)
    assert item.look_for in text
    page.find(children=["Time: 0.0"]).assert_single()
    _button(page, "Step").click()
    expected = ClassroomModel(**item.presets[0].settings())
    expected.run_for(1)
    assert f"Burnout prevalence {app.headline(expected)['Burnout prevalence']}" in _text(page)
    selects = [w for w in page.find(v.Select).widgets if w.v_model == "pandemic_surge"]
    assert len(selects) == 1


def test_post_states_cover_every_post():
    """The organization view colours each post vacant, burned out or not burned out."""
    model = ClassroomModel(**LESSONS[0].presets[0].settings())
    model.run_for(30)
    codes = app.post_state_codes(model)
    assert codes.size == 300
    assert (codes == 0).sum() == model.metrics["vacancies"]
    s = model.workers
    assert (codes == 1).sum() == (s.filled & s.burned_out).sum()
    assert (codes == 2).sum() == (s.filled & ~s.burned_out).sum()
    burned = (codes == 1).sum() / model.metrics["headcount"]
    assert burned == pytest.approx(model.metrics["burnout_prevalence"], abs=0.02)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "0"], "'port'"),
        (["--port", "70000"], "'port'"),
        (["--host", "0.0.0.0"], "'host'"),
    ],
)
def test_dashboard_command_rejects_bad_port_or_host(args, message, capsys):
    """Bad --port or --host stop the command with a message naming the setting."""
    with pytest.raises(SystemExit):
        server.main(args)
    assert message in capsys.readouterr().err


def test_dashboard_serves_the_app_offline_in_production():
    """The server arguments name the app, the port, production mode and no version check."""
    args = server.solara_arguments(8123, "127.0.0.1")
    assert args[:2] == ["run", "dashboard.app"]
    assert "8123" in args and "--production" in args and "--no-check-version" in args


def test_old_command_line_is_an_alias_of_the_dashboard_command():
    """``python -m experiments.dashboard`` runs the same command as ``python -m dashboard``."""
    import dashboard.__main__
    import experiments.dashboard

    assert experiments.dashboard.main is server.main
    assert dashboard.__main__.main is server.main


@pytest.mark.slow  # a fresh interpreter importing solara; analysis' backend check stays fast
def test_importing_the_page_and_the_figures_leaves_the_backend_alone():
    """Only the server command picks matplotlib's backend; importing the modules does not."""
    modules = ("dashboard.app", "dashboard.lesson_figures", "dashboard.server")
    script = "; ".join(
        ["import importlib, matplotlib", "matplotlib.use('pdf')"]
        + [f"importlib.import_module({name!r})" for name in modules]
        + ["print(matplotlib.get_backend())"]
    )
    backend = subprocess.check_output([sys.executable, "-c", script], cwd=ROOT, text=True)
    assert backend.strip() == "pdf"

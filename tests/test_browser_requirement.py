from pathlib import Path

from browser_requirement import chromium_executable, skip_reason


def test_chromium_is_found_at_the_debian_path_or_on_path(tmp_path):
    debian = tmp_path / "usr-bin-chromium"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    assert chromium_executable(debian, search_path=str(bin_dir)) is None
    on_path = bin_dir / "chromium"
    on_path.write_text("#!/bin/sh\n")
    on_path.chmod(0o755)
    assert chromium_executable(debian, search_path=str(bin_dir)) == on_path
    debian.write_text("")
    assert chromium_executable(debian, search_path=str(bin_dir)) == debian


def test_browser_tests_skip_without_chromium_except_under_ci():
    assert "apt-get install -y chromium" in skip_reason(None, {})
    assert "CI=true" in skip_reason(None, {"CI": "false"})
    assert skip_reason(None, {"CI": "true"}) is None
    assert skip_reason(Path("/usr/bin/chromium"), {}) is None

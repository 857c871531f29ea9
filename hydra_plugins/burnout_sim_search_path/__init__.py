"""A Hydra search-path plugin: the project's shared launcher configs for every command.

Several commands have a config module of their own (``conf`` for the main comparison,
``conf.calibration``, ``conf.system_app``, ``conf.system_fit``), each with its own
``experiment`` group of presets, so none can search another's folder. The configs they share,
the SLURM launcher ``hydra/launcher=cluster`` (``conf/launchers/hydra/launcher/cluster.yaml``),
live in a package of their own that this plugin adds to every app's search path, after the
app's own module.
Hydra finds the plugin in the package ``hydra_plugins`` (its public plugin API).
"""

from hydra.core.config_search_path import ConfigSearchPath
from hydra.plugins.search_path_plugin import SearchPathPlugin

SHARED_CONFIGS = "pkg://conf.launchers"
"""The package of configs every command can choose (its ``hydra/launcher/`` group)."""


class SharedConfigs(SearchPathPlugin):
    """Append the shared configs (:data:`SHARED_CONFIGS`) to the search path of every app."""

    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        """Add the shared package last, so an app's own configs win on a name clash."""
        search_path.append(provider="burnout-sim", path=SHARED_CONFIGS)

"""Mesa's DataCollector, without deep-copying the plain numbers it records each week."""

import mesa

_IMMUTABLE = (int, float, bool, str)


class WeeklyDataCollector(mesa.DataCollector):
    """A DataCollector whose model reporters return plain numbers.

    Mesa deep-copies every model reporter's value to protect mutable results. This model's
    reporters return ints and floats, which need no copy, so this collector appends them as they
    are (Mesa does the same for agent reporters). Agent and agent-type records and every reading
    method are Mesa's own.
    """

    def collect(self, model: mesa.Model) -> None:
        """Record each model reporter's value, then the agent records."""
        self._collection_steps.append(model.time)
        for var, reporter in self.model_reporters.items():
            value = reporter(model)
            if not isinstance(value, _IMMUTABLE):
                raise TypeError(f"model reporter {var!r} returned {type(value).__name__}")
            self.model_vars[var].append(value)
        if self.agent_reporters:
            self._agent_records[model.time] = list(self._record_agents(model))
        if self.agenttype_reporters:
            self._agenttype_records[model.time] = {
                agent_type: list(self._record_agenttype(model, agent_type))
                for agent_type in self.agenttype_reporters
            }

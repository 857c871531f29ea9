import numpy as np

from sim import WorkforceModel
from sim.agents import Supervisor, Worker


def test_tables_and_departures():
    """Worker, supervisor and departure tables carry what analysts need; ids are never reused."""
    m = WorkforceModel(rng=4, n_workers=400)
    first_ids = set(m.worker_table()["person_id"])
    m.run_for(104)
    w = m.worker_table()
    for col in (
        "person_id",
        "role",
        "unit",
        "tenure_weeks",
        "leadership_score",
        "exhaustion",
        "burned_out",
        "wellbeing_class",
        "engagement",
        "intent_to_leave",
        "violence_verbal_12m",
        "violence_threat_12m",
        "violence_physical_12m",
    ):
        assert col in w.columns
    assert w["person_id"].is_unique
    assert len(w) == np.count_nonzero(m.workers.filled)
    d = m.departures()
    assert set(d.columns) >= {"week", "person_id", "role", "unit", "reason", "burned_out"}
    assert len(d) > 0 and d["person_id"].is_unique
    assert set(d["reason"].unique()) <= {"resignation", "retirement"}
    assert not set(d["person_id"]) & set(w["person_id"])  # leavers are gone
    new_ids = set(w["person_id"]) - first_ids
    assert new_ids and min(new_ids) > max(first_ids)  # new hires get new ids
    assert (d["week"] >= 0).all() and (d["week"] < 104).all()
    s = m.supervisor_table()
    assert len(s) == m.n_units
    assert {"leadership_score", "leadership_delivered", "exhaustion", "span_of_control"} <= set(
        s.columns
    )
    assert (s["leadership_delivered"] <= s["leadership_score"] + 1e-9).all()


def test_mesa_agents_view_the_arrays():
    """One Worker agent per post and one Supervisor per unit, reading the state arrays."""
    m = WorkforceModel(rng=1, n_workers=120)
    m.run_for(10)
    workers = m.agents_by_type[Worker]
    assert len(workers) == 120
    assert len(m.agents_by_type[Supervisor]) == m.n_units
    vacant = workers.select(lambda a: a.is_vacant)
    assert len(vacant) == 120 - np.count_nonzero(m.workers.filled)
    agent = next(a for a in workers if not a.is_vacant)
    assert agent.exhaustion == m.workers.exhaustion[agent.post]
    assert agent.role in {"nurse", "physician", "allied"}
    burned = workers.select(lambda a: a.burned_out)
    assert len(burned) == np.count_nonzero(m.workers.burned_out)


def test_summary_and_datacollector():
    """The summary has the headline outcomes; the DataCollector has one row per week."""
    m = WorkforceModel(rng=1, n_workers=200)
    m.run_for(30)
    summary = m.summary()
    for key in (
        "burnout_prevalence",
        "flourishing_share",
        "languishing_share",
        "annual_turnover_rate",
        "vacancy_rate",
        "violence_exposure_12m",
        "headcount",
        "total_cost",
    ):
        assert key in summary
    df = m.datacollector.get_model_vars_dataframe()
    assert len(df) == 31
    assert df["total_cost"].is_monotonic_increasing
    assert summary["total_cost"] > 0


def test_agent_records_on_request():
    """Agent-level records are off by default and available when asked for."""
    m = WorkforceModel(rng=1, n_workers=60, record_agents=True)
    m.run_for(2)
    workers = m.datacollector.get_agenttype_vars_dataframe(Worker)
    supervisors = m.datacollector.get_agenttype_vars_dataframe(Supervisor)
    assert len(workers) == 3 * 60
    assert len(supervisors) == 3 * m.n_units
    assert set(workers.columns) >= {"exhaustion", "burned_out", "vacant"}
    assert workers["exhaustion"].between(0, 1).all()


def test_summary_without_weekly_collection_matches():
    """Switching weekly data collection off changes nothing but the records."""
    a = WorkforceModel(rng=9, n_workers=120, burn_in_weeks=20)
    b = WorkforceModel(rng=9, n_workers=120, burn_in_weeks=20, collect_data=False)
    a.run_for(30)
    b.run_for(30)
    assert a.summary() == b.summary()
    assert len(b.datacollector.get_model_vars_dataframe()) == 1

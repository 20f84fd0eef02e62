"""Bad input raises the exception a Python user expects, with the command
line's message (options named by their keywords, not their flags); nothing
crashes the interpreter."""

import pytest

import ceasefire


def test_a_bad_value_names_the_key_value_and_what_is_allowed():
    with pytest.raises(ceasefire.ScenarioError) as e:
        ceasefire.builtin().with_values({"monitoring.detection": 2.0})
    assert isinstance(e.value, ValueError)
    assert "monitoring.detection" in str(e.value)
    assert "allowed" in str(e.value)


def test_bad_toml_names_the_file_and_line_column():
    text = ceasefire.builtin().to_toml().replace("[monitoring]", "[monitoring", 1)
    with pytest.raises(ceasefire.ScenarioError, match=r"mine\.toml.*\d+:\d+"):
        ceasefire.Scenario.from_toml(text, name="mine.toml")


def test_an_unknown_path_is_refused():
    with pytest.raises(ceasefire.ScenarioError, match="monitoring.nonsense"):
        ceasefire.builtin().with_values({"monitoring.nonsense": 1.0})


def test_a_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(OSError, match="nothing.toml"):
        ceasefire.load(tmp_path / "nothing.toml")


def test_a_missing_counts_file_is_an_os_error(tmp_path):
    with pytest.raises(OSError, match="counts.csv: cannot read counts"):
        ceasefire.fit(str(tmp_path / "counts.csv"), ["all=2016-07-01..2016-10-31"])


def test_an_unknown_builtin_names_the_allowed_ones():
    with pytest.raises(ValueError, match="geneva-2016, munich-2016"):
        ceasefire.builtin("yalta-1945")


def test_a_value_of_another_type_is_refused():
    with pytest.raises(ValueError, match="allowed: bool, int, float, str"):
        ceasefire.builtin().with_values({"monitoring.detection": [0.5]})


def test_zero_runs_is_a_value_error():
    with pytest.raises(ValueError, match="0 runs"):
        ceasefire.run(ceasefire.builtin(), runs=0)


def test_a_design_with_an_unknown_path_is_refused():
    with pytest.raises(ValueError, match="no.such"):
        ceasefire.evaluate(ceasefire.builtin(), {"no.such": [1.0]}, runs=10)


def test_exact_refuses_retaliation():
    with pytest.raises(ValueError, match="retaliat"):
        ceasefire.exact(ceasefire.builtin())


def test_an_option_out_of_range_is_named_by_its_keyword():
    with pytest.raises(ValueError) as e:
        ceasefire.exact(ceasefire.builtin(), max_loss=2.0)
    assert "`max_loss` 2 is out of range (allowed: 0 to 1)" in str(e.value)
    assert "--" not in str(e.value)


def test_scenario_accessors_and_round_trip():
    g = ceasefire.builtin()
    assert g.name == "Geneva 2016"
    assert g.phases[0] == "truce" and "collapse" in g.phases
    assert "government" in g.parties
    assert "Geneva 2016" in repr(g)
    changed = g.with_values({"monitoring.detection": 0.8})
    assert changed.changes == ["monitoring.detection=0.8"]
    again = ceasefire.Scenario.from_toml(changed.to_toml())
    a = ceasefire.run(changed, runs=500, seed=3).summary
    b = ceasefire.run(again, runs=500, seed=3).summary
    assert a.equals(b)

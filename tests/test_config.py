"""Presets and overrides: strict keys, ranges, types, TOML errors, extends chains."""
import json

import pytest

from megagen.config import CityConfig, as_dict, builtin_presets, load_preset
from megagen.errors import ConfigError


def test_default_preset_is_builtin_and_resolves():
    assert "megastructure" in builtin_presets()
    preset = load_preset("megastructure")
    assert preset.name == "megastructure"
    assert preset.source == "builtin:megastructure"
    assert isinstance(preset.config, CityConfig)
    assert preset.config.level_height == 8


def test_as_dict_is_plain_json_data():
    data = as_dict(load_preset().config)
    assert json.loads(json.dumps(data)) == data
    assert data["strata"]["period"] == 36


def test_override_beats_preset():
    preset = load_preset("megastructure", ("strata.period=48", "builders.door_chance=0.5"))
    assert preset.config.strata.period == 48
    assert preset.config.builders.door_chance == 0.5


def test_int_is_accepted_for_float():
    assert load_preset("megastructure", ("chasms.piercing=1",)).config.chasms.piercing == 1.0


def test_unknown_key_suggests_closest():
    with pytest.raises(ConfigError, match=r"unknown key 'strata.perod'.*did you mean 'strata.period'"):
        load_preset("megastructure", ("strata.perod=40",))


def test_unknown_top_level_key_in_file(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("level_hieght = 8\n")
    with pytest.raises(ConfigError, match=r"p.toml.*unknown key 'level_hieght'.*'level_height'"):
        load_preset(str(path))


def test_out_of_range_names_the_range():
    with pytest.raises(ConfigError, match=r"strata.period = 5 is out of range \[12, 400\]"):
        load_preset("megastructure", ("strata.period=5",))


def test_wrong_type_is_named():
    with pytest.raises(ConfigError, match=r"strata.period must be int, got str"):
        load_preset("megastructure", ("strata.period=abc",))
    with pytest.raises(ConfigError, match=r"level_height must be int, got float"):
        load_preset("megastructure", ("level_height=8.5",))


def test_table_expected():
    with pytest.raises(ConfigError, match=r"strata must be a table"):
        load_preset("megastructure", ("strata=3",))


def test_consistency_checked():
    with pytest.raises(ConfigError, match=r"radius_min .* must not exceed .*radius_max"):
        load_preset("megastructure", ("chasms.radius_min=100", "chasms.radius_max=50"))


def test_bad_toml_is_a_config_error(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[strata\nperiod = 3\n")
    with pytest.raises(ConfigError, match=r"broken.toml: not valid TOML"):
        load_preset(str(path))


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"cannot read"):
        load_preset(str(tmp_path / "nowhere.toml"))


def test_unknown_builtin_suggests_closest():
    with pytest.raises(ConfigError, match=r"unknown preset 'megastructur'.*did you mean 'megastructure'"):
        load_preset("megastructur")


def test_extends_builtin_and_overrides(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('extends = "megastructure"\nname = "mine"\n[strata]\nperiod = 60\n')
    preset = load_preset(str(path))
    assert preset.name == "mine"
    assert preset.config.strata.period == 60
    assert preset.config.builders.stairs == load_preset("megastructure").config.builders.stairs


def test_extends_relative_path(tmp_path):
    (tmp_path / "base.toml").write_text("[strata]\nperiod = 50\njitter = 1\n")
    (tmp_path / "child.toml").write_text('extends = "base.toml"\n[strata]\njitter = 3\n')
    config = load_preset(str(tmp_path / "child.toml")).config
    assert (config.strata.period, config.strata.jitter) == (50, 3)


def test_extends_cycle(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(ConfigError, match=r"'extends' cycle"):
        load_preset(str(tmp_path / "a.toml"))


def test_extends_missing(tmp_path):
    (tmp_path / "c.toml").write_text('extends = "no-such-preset"\n')
    with pytest.raises(ConfigError, match=r"unknown preset 'no-such-preset'"):
        load_preset(str(tmp_path / "c.toml"))


def test_extends_wrong_type(tmp_path):
    (tmp_path / "d.toml").write_text("extends = 3\n")
    with pytest.raises(ConfigError, match=r"'extends' must be a preset name or path"):
        load_preset(str(tmp_path / "d.toml"))


def test_override_needs_equals():
    with pytest.raises(ConfigError, match=r"expected key.path=value"):
        load_preset("megastructure", ("strata.period",))

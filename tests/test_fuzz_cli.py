"""Bad input never shows a traceback (issue 6): hypothesis over `megagen build`'s
arguments and over preset TOML files. Every run ends in exit 0 or 2; a failing run
prints exactly one line on stderr and writes nothing under --out. Builds stay tiny
(at most 2 levels of at most 48 x 48), so each example takes a fraction of a second."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from megagen.cli import cli
from megagen.config import as_dict, builtin_presets, load_preset
from megagen.world import MAX_COORD, MAX_LEVEL

# CI runs a fixed set of 40 examples per test; MEGAGEN_FUZZ_EXAMPLES=500 explores afresh
EXAMPLES = int(os.environ.get("MEGAGEN_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=EXAMPLES or 40, deadline=None, derandomize=not EXAMPLES,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _flat(d: dict, prefix: str = ""):
    for key, value in d.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


KEYS = dict(_flat(as_dict(load_preset("megastructure").config)))
BIG = [0, 1, -1, 2**31, 2**63, -2**63 - 1, 10**30, MAX_COORD, MAX_COORD // 2, MAX_COORD // 2 + 1, MAX_LEVEL]
JUNK = st.sampled_from(["", " ", "-", "x", ",", "/", "=", "nan", "inf", "-inf", "1e3", "0x10", "1_0", "٣",
                        "abc", "1,2,3", "1/2/3", "--", "\t", "é", "None", "[]", "{}", "\\", "'", '"'])
SMALL_INT = st.integers(min_value=-3, max_value=3)

# each option: (mostly) valid values and bad ones; a run draws a bad value for an option now and then
levels = (st.sampled_from(["1", "2", "0-1", "7-8", "3-3", f"{MAX_LEVEL - 2}-{MAX_LEVEL - 1}", "٣"]),  # tiny
          st.sampled_from(["0", "-1", "5-3", "1-2-3", "-3-4", "1e1", str(MAX_LEVEL + 1), f"1-{MAX_LEVEL}", "2-",
                           "-", str(10**30)]) | JUNK)
size = (st.sampled_from(["32", "40", "32x40", "48x32", "32X33", " 32 "]),
        st.sampled_from(["31", "0", "-32", "2049", "32x", "x32", "32x32x32", "32.0", "1e2",
                         "99999999999999999999"]) | JUNK)
seed = (st.integers(min_value=-10, max_value=10).map(str) | st.sampled_from(BIG).map(str), JUNK)
COORD = st.sampled_from([0, 1, -1, 17, -1000, MAX_COORD // 2 - 48, -(MAX_COORD // 2)]) | SMALL_INT
origin = (st.tuples(COORD, COORD).map(lambda xy: f"{xy[0]},{xy[1]}"),
          st.tuples(st.sampled_from(BIG), st.sampled_from(BIG)).map(lambda xy: f"{xy[0]},{-xy[1]}") | JUNK)
part = (st.sampled_from(["1/1", "1/2", "2/2", "3/5"]),
        st.sampled_from(["0/1", "2/1", "1/0", "-1/2", "1/100001", "a/b", "1/2/3", "1"]) | JUNK)
workers = (st.sampled_from(["1", "1", "2"]), st.sampled_from(["0", "-1", "999999999999"]) | JUNK)
preset = (st.sampled_from(list(builtin_presets())),
          st.sampled_from(["nope", "missing.toml", "/", ".", "megastructure.toml", "../x"]) | JUNK)
value = st.one_of(st.sampled_from(["0", "-1", "1", "0.5", "1e9", "-1e9", "true", "false", "abc", "[1, 2]", "{}",
                                   "nan", "inf", "\"s\"", "", "2**64", str(2**64), "1_000"]), JUNK)
key = st.one_of(st.sampled_from(sorted(KEYS)), st.sampled_from(["nope", "strata", "strata.nope", "", ".",
                                                                 "strata..period", "features.village", "name"]))
override = st.one_of(st.tuples(key, value).map(lambda kv: f"{kv[0]}={kv[1]}"), JUNK)


def run(args: list[str], out: Path):
    result = CliRunner().invoke(cli, ["build", *args, "--out", str(out), "-q"], catch_exceptions=False)
    text = result.output + result.stderr
    assert "Traceback" not in text, text
    assert result.exit_code in (0, 2), (args, result.exit_code, result.stderr)
    if result.exit_code != 0:
        assert len(result.stderr.splitlines()) == 1, (args, result.stderr)
        assert result.stderr.startswith("Error: "), (args, result.stderr)
        assert not out.exists(), (args, sorted(p.name for p in out.rglob("*")))
    return result


@st.composite
def build_args(draw) -> list[str]:
    def pick(good_bad):
        good, bad = good_bad
        return draw(bad) if draw(st.integers(0, 11)) == 0 else draw(good)

    args: list[str] = ["--levels", pick(levels), "--size", pick(size), "--workers", pick(workers)]
    for flag, choices in (("--seed", seed), ("--origin", origin), ("--part", part), ("--preset", preset)):
        if draw(st.booleans()):
            args += [flag, pick(choices)]
    if draw(st.integers(0, 3)) == 0:
        for item in draw(st.lists(override, min_size=1, max_size=3)):
            args += ["--set", item]
    if draw(st.integers(0, 5)) == 0:  # never a reachable-looking address: that would wait for a timeout
        args += ["--scheduler", draw(st.sampled_from(["bogus", "nonsense://h:1", "tcp://", "tcp://h:x", ""]) | JUNK)]
    for flag in ("--resume", "--force"):
        if draw(st.integers(0, 7)) == 0:
            args.append(flag)
    return args


@FUZZ
@given(build_args())
def test_cli_arguments_end_in_0_or_2_with_one_line(args):
    with tempfile.TemporaryDirectory() as tmp:
        run(args, Path(tmp) / "out")


# ---------------------------------------------------------------- preset files

toml_value = st.one_of(
    st.integers(min_value=-2**70, max_value=2**70).map(str),
    st.sampled_from(["0", "1", "-1", "0.5", "1e300", "-0.0", "nan", "inf", "true", "false", '"megastructure"',
                     '"x"', "[]", "[1, 2]", "{}", "{ a = 1 }", "1979-05-27", "'''multi\nline'''", "", "=", "[",
                     "0x1F", "0o7", "1_000"]),
)


def _section_and_key(dotted: str) -> tuple[str, str]:
    head, _, last = dotted.rpartition(".")
    return head, last


@st.composite
def toml_text(draw) -> str:
    if draw(st.integers(0, 6)) == 0:  # not TOML at all
        return draw(st.text(max_size=60))
    top: list[str] = []
    sections: dict[str, list[str]] = {}
    for dotted in draw(st.lists(st.sampled_from(sorted(KEYS) + ["nope", "strata.nope", "features.nope.x"]),
                                max_size=6, unique=True)):
        section, name = _section_and_key(dotted)
        sections.setdefault(section, []).append(f"{name} = {draw(toml_value)}")
    extends = draw(st.sampled_from([None, None, "megastructure", "village", "nope", "self", "", "../x.toml"]))
    if extends == "self":
        extends = "PRESET_PATH"
    if extends is not None:
        top.append(f'extends = "{extends}"')
    if draw(st.booleans()):
        top.append("name = " + draw(st.sampled_from(['"fuzz"', "1", '""', "[]", '"a b/c"'])))
    if draw(st.booleans()):
        top.append("description = " + draw(st.sampled_from(['"d"', "2", "true"])))
    lines = top + sections.pop("", [])
    for section, body in sections.items():
        lines.append(f"[{section}]")
        lines.extend(body)
    if draw(st.integers(0, 8)) == 0:
        lines.append("[strata]\nperiod = 36")  # a table defined twice
    return "\n".join(lines) + "\n"


@FUZZ
@given(toml_text(), st.sampled_from(["1", "0-1"]))
def test_preset_files_end_in_0_or_2_with_one_line(text, levels_arg):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.toml"
        path.write_text(text.replace("PRESET_PATH", str(path)), encoding="utf-8")
        run(["--levels", levels_arg, "--size", "32", "--workers", "1", "--preset", str(path)], Path(tmp) / "out")

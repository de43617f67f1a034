"""The cold-import bench's table (adforge_local.bench_cold): alternating samples, medians, ratios, the 1.3x flag."""

from collections.abc import Sequence
from pathlib import Path

from adforge_local.bench_cold import BARE, LIMIT, Row, Sample, Target, measure_rows, table


def target(logical: str) -> Target:
    return Target(logical, "app", Path("/task"), Path("/opt"), Path("/sdk"), {})


class FakeMeasure:
    """Answers each function's handler and bare imports from a script of CPU times, recording the order asked."""

    def __init__(self, handler_ms: dict[str, list[float]], bare_ms: list[float]) -> None:
        self.handler_ms = {name: iter(times) for name, times in handler_ms.items()}
        self.bare_ms = iter(bare_ms)
        self.asked: list[tuple[str, tuple[str, ...]]] = []

    def __call__(self, target: Target, modules: Sequence[str]) -> Sample:
        self.asked.append((target.logical, tuple(modules)))
        if tuple(modules) == BARE:
            return Sample(next(self.bare_ms), 300)
        return Sample(next(self.handler_ms[target.logical]), 400)


def test_handler_and_bare_imports_alternate_which_goes_first():
    measure = FakeMeasure({"A": [1.0, 2.0, 3.0]}, [1.0, 1.0, 1.0])
    measure_rows([target("A")], measure, runs=3)
    handler, bare = ("A", ("app",)), ("A", BARE)
    assert measure.asked == [handler, bare, bare, handler, handler, bare]


def test_each_row_is_the_median_of_either_import_and_their_ratio():
    measure = FakeMeasure(
        {"Api": [900.0, 100.0, 300.0, 310.0, 5000.0], "Auth": [120.0, 125.0, 130.0, 135.0, 126.0]},
        [200.0, 90.0, 110.0, 120.0, 100.0, 100.0, 95.0, 105.0, 1000.0, 100.0],
    )
    api, auth = measure_rows([target("Api"), target("Auth")], measure, runs=5)
    assert (api.logical, api.import_ms, api.bare_ms, api.modules, api.bare_modules) == ("Api", 310.0, 110.0, 400, 300)
    assert api.ratio == 310.0 / 110.0 and api.over
    assert (auth.import_ms, auth.bare_ms) == (126.0, 100.0)
    assert auth.ratio == 1.26 and not auth.over


def test_the_table_flags_every_function_over_the_limit_and_says_how_many():
    rows = [Row("ApiFunction", 440.0, 100.0, 766, 374), Row("AuthorizerFunction", 130.0, 100.0, 420, 374, 250.0)]
    lines = table(rows, "layer as built:")
    assert lines[0] == "layer as built:"
    assert lines[1].split() == ["Function", "import_ms", "bare_ms", "ratio", "modules", "first_ms", "first"]
    assert lines[2].split() == ["ApiFunction", "440.0", "100.0", "4.40x", "766", "-", "-", ">", f"{LIMIT}x"]
    # at the limit is within it; the first invocation's figure is printed, never flagged
    assert lines[3].split() == ["AuthorizerFunction", "130.0", "100.0", "1.30x", "420", "250.0", "2.50x"]
    assert lines[4].startswith(f"  1 of 2 over {LIMIT}x")
    assert table(rows[1:], "t")[-1].startswith(f"  all 1 within {LIMIT}x")


def test_the_first_invocation_is_the_median_of_the_handler_samples_that_made_one():
    class WithFirst(FakeMeasure):
        def __call__(self, target: Target, modules: Sequence[str]) -> Sample:
            sample = super().__call__(target, modules)
            return sample if tuple(modules) == BARE else Sample(sample.ms, sample.modules, sample.ms * 3)

    (row,) = measure_rows([target("A")], WithFirst({"A": [10.0, 30.0, 20.0]}, [10.0, 10.0, 10.0]), runs=3)
    assert (row.import_ms, row.first_ms, row.first_ratio) == (20.0, 60.0, 6.0)
    (plain,) = measure_rows([target("A")], FakeMeasure({"A": [1.0]}, [1.0]), runs=1)
    assert plain.first_ms is None and plain.first_ratio is None

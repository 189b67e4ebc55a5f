"""Time to accuracy: the clock stops while the test accuracy is measured, and the first time
a target is reached is what counts."""

import json
import time
from dataclasses import replace

from comparison.experiments import convergence
from comparison.experiments.harness.context import Context
from comparison.report import convergence as report
from comparison.results import typed
from comparison.training import TrainConfig
from comparison.training.runners import make_runner


def test_first_reached_is_the_first_measurement_at_or_above_the_target():
    curve = {"examples": [100, 200, 300], "seconds": [1.0, 2.0, 3.0],
             "accuracy": [0.5, 0.9, 0.8]}
    assert convergence.first_reached(curve, 0.9, 200) == {"reached": True, "seconds": 2.0,
                                                          "epochs": 1.0}
    assert convergence.first_reached(curve, 0.95, 200)["reached"] is False


def test_evaluation_time_is_not_on_the_clock(digits):
    config = TrainConfig(batch_size=10, device="cpu", **convergence.CHAPTER_3)
    runner = make_runner(config, digits)
    evaluate = runner.evaluate

    def slow_evaluate(split):
        time.sleep(0.05)
        return evaluate(split)

    runner.evaluate = slow_evaluate
    settings = replace(convergence.make_config("smoke", Context()), targets=(1.1,),
                       max_epochs=2, eval_every=100)
    curve = convergence.train_until(runner, len(digits.train), config, settings)
    assert len(curve["accuracy"]) == 2 * len(digits.train) // 100, "every 100 examples"
    assert curve["seconds"] == sorted(curve["seconds"])
    assert curve["seconds"][-1] < 0.05 * len(curve["accuracy"]) / 2, "the sleeps do not count"
    assert curve["accuracy"][-1] > 0.5, "it learns"


def test_a_smoke_run_reports_every_implementation_and_target(tiny):
    folder, _ = tiny
    context = Context(data_dir=str(folder), progress=False)
    config = replace(convergence.make_config("smoke", context), threads=1,
                     implementations=("scratch", "torch"))
    result = convergence.run(config, context)
    assert len(result.rows) == 2 * 2 * 2  # settings x implementations x targets
    assert all(r.seconds is None or r.seconds > 0 for r in result.rows)
    assert len(report.summary_table(result).splitlines()) == 2 + 8  # header, rule, rows
    quotes = report.quotes(result)
    assert "smoke-profile run used the first 100 training images" in quotes["profile_note"]
    assert [figure for figure, _ in report.figures(result)] == ["convergence"]
    stored = json.loads(json.dumps(typed.to_json(result)))
    assert typed.from_json(convergence.Result, stored) == result, "it reads back as written"

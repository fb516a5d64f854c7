"""``propose`` by method, and ``Proposal.args`` in W&B's wire form (nested parameters re-nested)."""

from __future__ import annotations

from trackwell.service.sweep_engine import Trial, parse_config, propose
from trackwell.service.sweep_engine.propose import wire_args

RANDOM = {
    "method": "random",
    "parameters": {
        "lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-2},
        "batch_size": {"values": [32, 64, 128]},
        "epochs": {"min": 1, "max": 10},
        "opt": {"parameters": {"name": {"value": "adam"}, "beta": {"min": 0.8, "max": 0.99}}},
    },
}


def test_random_draws_are_independent_typed_and_reproducible_by_seed() -> None:
    spec = parse_config(RANDOM)
    proposals = [propose(spec, [], seed=seed) for seed in range(200)]
    assert all(p is not None for p in proposals)
    params = [p.params for p in proposals if p is not None]
    assert all(type(p["epochs"]) is int and 1 <= p["epochs"] <= 10 for p in params)
    assert all(type(p["lr"]) is float and 1e-5 <= p["lr"] <= 1e-2 for p in params)
    assert all(p["opt.name"] == "adam" and 0.8 <= p["opt.beta"] <= 0.99 for p in params)
    assert {p["batch_size"] for p in params} == {32, 64, 128}
    assert len({p["epochs"] for p in params}) == 10
    # The same seed gives the same proposal; trials do not matter to random search.
    again = propose(spec, [Trial("r", params[0], "finished")], seed=0)
    assert again is not None and again.params == params[0]
    assert params[1] != params[0]


def test_args_are_wire_form_with_nested_parameters_renested() -> None:
    spec = parse_config(RANDOM)
    proposal = propose(spec, [], seed=3)
    assert proposal is not None
    p = proposal.params
    assert proposal.args == {
        "batch_size": {"value": p["batch_size"]},
        "epochs": {"value": p["epochs"]},
        "lr": {"value": p["lr"]},
        "opt": {"value": {"beta": p["opt.beta"], "name": "adam"}},
    }


def test_deep_nesting_and_dotted_top_level_names_renest_by_their_path() -> None:
    spec = parse_config(
        {
            "method": "grid",
            "parameters": {
                "model": {
                    "parameters": {
                        "enc": {"parameters": {"depth": {"values": [2]}}},
                        "act": {"value": "relu"},
                    }
                },
                "optimizer.lr": {"values": [0.1]},  # a dotted top-level name (hydra style) stays one key
            },
        }
    )
    proposal = propose(spec, [], seed=0)
    assert proposal is not None
    assert proposal.params == {"model.act": "relu", "model.enc.depth": 2, "optimizer.lr": 0.1}
    assert proposal.args == {
        "model": {"value": {"act": "relu", "enc": {"depth": 2}}},
        "optimizer.lr": {"value": 0.1},
    }
    assert wire_args(spec, {"unknown": 1}) == {"unknown": {"value": 1}}


def test_bayes_delegates_to_the_gp_and_answers_in_wire_form() -> None:
    spec = parse_config(
        {
            "method": "bayes",
            "metric": {"name": "loss", "goal": "minimize"},
            "parameters": {
                "x": {"min": -1.0, "max": 1.0},
                "opt": {"parameters": {"name": {"values": ["adam", "sgd"]}, "wd": {"value": 0.01}}},
            },
        }
    )
    trials: list[Trial] = []
    for i in range(6):
        proposal = propose(spec, trials, seed=i)
        assert proposal is not None
        p = proposal.params
        assert -1.0 <= p["x"] <= 1.0 and p["opt.name"] in ("adam", "sgd") and p["opt.wd"] == 0.01
        assert proposal.args == {
            "opt": {"value": {"name": p["opt.name"], "wd": 0.01}},
            "x": {"value": p["x"]},
        }
        trials.append(
            Trial(f"r{i}", p, "finished", best=p["x"] ** 2, last=p["x"] ** 2, history=(p["x"] ** 2,))
        )

"""Fitting a PMT model by ordinary least squares: log per-capita monthly consumption regressed on the
indicator matrix of a survey (a frame of `traits.survey_traits`), on a training split, judged on the
held-out rest."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from ehsaas.targeting.indicators import INDICATOR_CODES, indicator_matrix

TRAIN_SHARE = 0.8
LOW_PERCENTILE, HIGH_PERCENTILE = 1.0, 99.0  # predictions at these percentiles score 0 and 100

ILLUSTRATIVE_FILE = Path(__file__).resolve().parent / "data" / "illustrative-model.json"
ILLUSTRATIVE_VERSION = "2026-illustrative"
ILLUSTRATIVE_HOUSEHOLDS = 50_000
ILLUSTRATIVE_SEED = 2026


class SurveyUnusable(ValueError):
    """A survey that cannot be fitted on (no consumption, too few households)."""


MSG_NO_CONSUMPTION = "The survey has no monthly_consumption column with values: a model cannot be fitted."
MSG_TOO_FEW = "The survey has %(count)s usable households; at least %(least)s are needed."


@dataclass
class FittedModel:
    intercept: float
    weights: dict[str, float]
    reference_means: dict[str, float]
    scale_low: float
    scale_high: float
    fit: dict = field(default_factory=dict)

    def as_json(self, **header) -> str:
        return json.dumps({**header, **asdict(self)}, indent=2, ensure_ascii=False) + "\n"


def log_per_capita(traits: pl.DataFrame) -> np.ndarray:
    consumption = traits["monthly_consumption"].to_numpy().astype(np.float64)
    return np.log(consumption / np.maximum(traits["size"].to_numpy(), 1))


def r_squared(observed: np.ndarray, predicted: np.ndarray) -> float:
    residual = np.sum((observed - predicted) ** 2)
    total = np.sum((observed - observed.mean()) ** 2)
    return float(1.0 - residual / total) if total else 0.0


def split(n: int, *, seed: int, train_share: float = TRAIN_SHARE) -> tuple[np.ndarray, np.ndarray]:
    """Row numbers of the training and held-out parts, drawn at random with `seed`."""
    order = np.random.default_rng(seed).permutation(n)
    cut = round(n * train_share)
    return np.sort(order[:cut]), np.sort(order[cut:])


def ols_fit(traits: pl.DataFrame, *, seed: int, codes: tuple[str, ...] = INDICATOR_CODES) -> FittedModel:
    """Fit on a training split; report R² on both parts; rescale so that the 1st percentile of the
    predictions scores 0 and the 99th scores 100. Indicators that never vary in the training part get
    no weight (they cannot be estimated)."""
    if "monthly_consumption" not in traits.columns or traits["monthly_consumption"].is_null().all():
        raise SurveyUnusable(MSG_NO_CONSUMPTION)
    traits = traits.filter(pl.col("monthly_consumption") > 0)
    if traits.height < 10 * (len(codes) + 1):
        raise SurveyUnusable(MSG_TOO_FEW % {"count": traits.height, "least": 10 * (len(codes) + 1)})
    matrix, target = indicator_matrix(traits, codes), log_per_capita(traits)
    train, held_out = split(traits.height, seed=seed)
    varies = matrix[train].std(axis=0) > 0
    kept = [code for code, v in zip(codes, varies, strict=True) if v]
    design = np.column_stack([np.ones(len(train)), matrix[train][:, varies]])
    solution, *_ = np.linalg.lstsq(design, target[train], rcond=None)
    intercept, weights = float(solution[0]), dict(zip(kept, map(float, solution[1:]), strict=True))
    coefficients = np.array([weights.get(code, 0.0) for code in codes])
    predicted = intercept + matrix @ coefficients
    low, high = np.percentile(predicted, [LOW_PERCENTILE, HIGH_PERCENTILE])
    return FittedModel(
        intercept=round(intercept, 6),
        weights={code: round(weights[code], 6) for code in kept},
        reference_means={
            code: round(float(m), 6) for code, m in zip(codes, matrix.mean(axis=0), strict=True)
        },
        scale_low=round(float(low), 6),
        scale_high=round(float(high), 6),
        fit={
            "method": "ordinary least squares of log per-capita monthly consumption",
            "households": traits.height,
            "train": len(train),
            "held_out": len(held_out),
            "split_seed": seed,
            "r2_train": round(r_squared(target[train], predicted[train]), 4),
            "r2_held_out": round(r_squared(target[held_out], predicted[held_out]), 4),
        },
    )

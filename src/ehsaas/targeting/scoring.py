"""The arithmetic of a PMT model, vectorised: scores for a frame of households, and the contribution
of each indicator to one household's score.

    predicted = intercept + Σ weight × indicator                  (log per-capita monthly consumption)
    score     = clip(100 × (predicted − low) / (high − low), 0, 100)      (0–100, lower is poorer)

A household's explanation compares it with the reference household, whose indicators are the
reference means: indicator i moved the score by weight_i × (value_i − mean_i) × 100 / (high − low)
points, and the contributions add up to the score's distance from the reference score (before the
clip to 0–100).
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

from ehsaas.targeting.indicators import INDICATORS, indicator_label, indicator_matrix


@dataclass(frozen=True)
class ScoreCard:
    """A model's numbers, detached from the database: what scoring and explaining need."""

    codes: tuple[str, ...]
    weights: np.ndarray
    intercept: float
    low: float
    high: float
    means: np.ndarray

    @classmethod
    def of(cls, model) -> "ScoreCard":
        """The score card of a PmtModel (its weights read once)."""
        pairs = list(model.weights.order_by("id").values_list("indicator", "weight"))
        codes = tuple(code for code, _weight in pairs)
        return cls(
            codes=codes,
            weights=np.array([weight for _code, weight in pairs], dtype=np.float64),
            intercept=model.intercept,
            low=model.scale_low,
            high=model.scale_high,
            means=np.array([float(model.reference_means.get(code, 0.0)) for code in codes]),
        )

    @property
    def points_per_log(self) -> float:
        """Score points for one unit of predicted log consumption."""
        return 100.0 / (self.high - self.low)

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        return self.intercept + matrix @ self.weights

    def rescale(self, predicted: np.ndarray) -> np.ndarray:
        return np.clip((predicted - self.low) * self.points_per_log, 0.0, 100.0)

    def scores(self, traits: pl.DataFrame) -> np.ndarray:
        """The score of each household of `traits`, rounded to two decimals."""
        return np.round(self.rescale(self.predict(indicator_matrix(traits, self.codes))), 2)

    @property
    def reference_score(self) -> float:
        """The (unclipped) score of a household whose indicators are all at their reference means."""
        return float((self.intercept + self.means @ self.weights - self.low) * self.points_per_log)


@dataclass(frozen=True)
class Contribution:
    code: str
    label: str
    value: float
    mean: float
    points: float
    is_flag: bool = False  # the value is 1 (has the trait) or 0 (has not)


def explain(card: ScoreCard, traits: pl.DataFrame) -> list[Contribution]:
    """How far each indicator moved the first household of `traits` from the reference score, in score
    points, largest first (up or down)."""
    values = indicator_matrix(traits.head(1), card.codes)[0]
    points = card.weights * (values - card.means) * card.points_per_log
    contributions = [
        Contribution(
            code,
            indicator_label(code),
            float(v),
            float(m),
            float(p),
            code in INDICATORS and INDICATORS[code].is_flag,
        )
        for code, v, m, p in zip(card.codes, values, card.means, points, strict=True)
    ]
    return sorted(contributions, key=lambda c: -abs(c.points))

"""Calibration: fit a model on a training split of a survey and judge it on the held-out rest, the way
a programme would use it: R², inclusion and exclusion errors at a cutoff (or at a coverage), and the
share of each consumption decile that the cutoff selects. The report prints as a table and draws as a
chart."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from matplotlib.figure import Figure

from ehsaas.targeting.fitting import FittedModel, log_per_capita, ols_fit, split
from ehsaas.targeting.scoring import ScoreCard

POOR_SHARE = 0.25  # the poorest quarter by consumption per person counts as poor


@dataclass
class CalibrationReport:
    fitted: FittedModel
    cutoff: float
    poor_share: float
    held_out: int
    selected_share: float
    inclusion_error: float  # of the households selected, the share that are not poor
    exclusion_error: float  # of the poor, the share not selected
    decile_coverage: list[float]  # share selected in each consumption decile, poorest first

    @property
    def r2(self) -> float:
        return self.fitted.fit["r2_held_out"]

    def as_dict(self) -> dict:
        """The figures a job keeps (percentages as fractions)."""
        return {
            "households": self.fitted.fit["households"],
            "held_out": self.held_out,
            "r2": round(self.r2, 4),
            "cutoff": round(self.cutoff, 2),
            "selected": round(self.selected_share, 4),
            "inclusion_error": round(self.inclusion_error, 4),
            "exclusion_error": round(self.exclusion_error, 4),
            "deciles": [round(share, 4) for share in self.decile_coverage],
        }

    def table(self) -> str:
        lines = [
            f"Households in the survey          {self.fitted.fit['households']:>10,}",
            f"  fitted on / held out            {self.fitted.fit['train']:>10,} / {self.held_out:,}",
            f"R² on held-out households         {self.r2:>10.3f}",
            f"Cutoff (score at or below)        {self.cutoff:>10.2f}",
            f"Share of households selected      {self.selected_share:>10.1%}",
            f"Poor: poorest share by consumption{self.poor_share:>10.0%}",
            f"Inclusion error                   {self.inclusion_error:>10.1%}   (selected but not poor)",
            f"Exclusion error                   {self.exclusion_error:>10.1%}   (poor but not selected)",
            "",
            "Coverage by consumption decile (1 = poorest)",
        ]
        lines += [f"  decile {i:>2}  {share:>7.1%}  {'#' * round(40 * share)}"
                  for i, share in enumerate(self.decile_coverage, start=1)]  # fmt: skip
        return "\n".join(lines)

    def chart(self, path: Path) -> None:
        """A bar chart of the coverage of each consumption decile, with the errors in its title."""
        figure = Figure(figsize=(8, 4.5), dpi=100)
        axes = figure.subplots()
        deciles = np.arange(1, 11)
        axes.bar(deciles, [100 * s for s in self.decile_coverage], color="#0d6e4f")
        axes.set_xticks(deciles)
        axes.set_xlabel("Consumption decile (1 = poorest)")
        axes.set_ylabel("Households selected (%)")
        axes.set_ylim(0, 100)
        axes.set_title(
            f"Cutoff {self.cutoff:.1f}: R² {self.r2:.2f}, inclusion error {self.inclusion_error:.0%}, "
            f"exclusion error {self.exclusion_error:.0%}",
            fontsize=10,
        )
        figure.tight_layout()
        figure.savefig(path)


def calibrate(
    traits: pl.DataFrame,
    *,
    seed: int,
    cutoff: float | None = None,
    coverage: float | None = None,
    poor_share: float = POOR_SHARE,
) -> CalibrationReport:
    """Fit on the training split, judge on the held-out split at `cutoff` (or at the cutoff that
    selects `coverage` of the held-out households)."""
    fitted = ols_fit(traits, seed=seed)
    usable = traits.filter(pl.col("monthly_consumption") > 0)
    _train, held_out = split(usable.height, seed=seed)
    held = usable[held_out]
    codes = tuple(fitted.weights)
    card = ScoreCard(
        codes=codes, weights=np.array([fitted.weights[c] for c in codes]), intercept=fitted.intercept,
        low=fitted.scale_low, high=fitted.scale_high, means=np.zeros(len(codes)),
    )  # fmt: skip
    scores = card.scores(held)
    if cutoff is None:
        cutoff = float(np.quantile(scores, coverage if coverage is not None else poor_share))
    errors = targeting_errors(scores <= cutoff, log_per_capita(held), poor_share)
    return CalibrationReport(
        fitted=fitted,
        cutoff=cutoff,
        poor_share=poor_share,
        held_out=len(held_out),
        selected_share=errors.selected_share,
        inclusion_error=errors.inclusion_error,
        exclusion_error=errors.exclusion_error,
        decile_coverage=errors.decile_coverage,
    )


@dataclass(frozen=True)
class TargetingErrors:
    selected_share: float
    inclusion_error: float  # of the households selected, the share that are not poor
    exclusion_error: float  # of the poor, the share not selected
    decile_coverage: list[float]  # share selected in each consumption decile, poorest first


def targeting_errors(selected: np.ndarray, consumption: np.ndarray, poor_share: float) -> TargetingErrors:
    """How well a selection of households finds the poor, the poorest `poor_share` of them by
    `consumption` (log per person), as a survey tells."""
    poor = consumption <= np.quantile(consumption, poor_share)
    decile = np.minimum((np.argsort(np.argsort(consumption)) * 10) // len(consumption), 9)
    return TargetingErrors(
        selected_share=float(selected.mean()),
        inclusion_error=float((selected & ~poor).sum() / max(selected.sum(), 1)),
        exclusion_error=float((poor & ~selected).sum() / max(poor.sum(), 1)),
        decile_coverage=[float(selected[decile == d].mean()) for d in range(10)],
    )

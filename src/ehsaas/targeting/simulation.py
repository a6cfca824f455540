"""What-if: who would qualify under a model and its cutoffs, where, at what quarterly cost, and (on a
survey with consumption) how well that selection finds the poor. Worked out in memory from scores
computed on the fly; a simulation writes nothing, neither scores nor flags.

A household qualifies when its score is at or below the cutoff, or at or below the second cutoff when
one of its members is disabled (Kafaalat: 32, and 37 with a disabled member), unless a wealth filter
excludes it (when the scenario applies them).

The registry is read a batch at a time; each batch is reduced at once to counts by district (`tally`),
so that memory stays flat whatever the registry's size.
"""

from dataclasses import asdict, dataclass, field

import numpy as np
import polars as pl
from django.utils.translation import get_language

from ehsaas.targeting.calibration import POOR_SHARE, TargetingErrors, targeting_errors

# What a batch of households must hold to be tallied (`log_consumption` too, on a survey).
BATCH_SCHEMA = {
    "province": pl.String,  # province code
    "district": pl.String,  # district code (registry) or the district as the survey wrote it
    "size": pl.Int64,  # active members
    "disabled": pl.Boolean,  # a member is disabled
    "excluded": pl.Boolean,  # a wealth filter excludes the household
    "score": pl.Float64,
}
_COUNTS = ("households", "people", "qualifying", "qualifying_people", "through_second_cutoff",
           "excluded_by_wealth")  # fmt: skip


@dataclass(frozen=True)
class Scenario:
    cutoff: float
    disabled_cutoff: float | None = None  # for households with a disabled member; None: the cutoff
    benefit: int = 0  # rupees per qualifying household per quarter
    wealth_filters: bool = True
    poor_share: float = POOR_SHARE  # on a survey: the poorest share by consumption counts as poor

    def _by_score(self) -> tuple[pl.Expr, pl.Expr]:
        """(qualifies by its score alone, qualifies by its score or by the second cutoff)."""
        first = pl.col("score") <= self.cutoff
        if self.disabled_cutoff is None:
            return first, first
        return first, first | (pl.col("disabled") & (pl.col("score") <= self.disabled_cutoff))

    def qualifies(self) -> pl.Expr:
        _first, scored_in = self._by_score()
        return scored_in & ~pl.col("excluded") if self.wealth_filters else scored_in

    def tally(self, batch: pl.DataFrame) -> pl.DataFrame:
        """A batch of households reduced to its counts by province and district."""
        first, scored_in = self._by_score()
        qualifies = self.qualifies()
        return batch.group_by("province", "district").agg(
            pl.len().alias("households"),
            pl.col("size").sum().alias("people"),
            qualifies.sum().alias("qualifying"),
            pl.col("size").filter(qualifies).sum().alias("qualifying_people"),
            (qualifies & ~first).sum().alias("through_second_cutoff"),
            (scored_in & pl.col("excluded") & pl.lit(self.wealth_filters)).sum().alias("excluded_by_wealth"),
        )


@dataclass
class AreaFigures:
    """The figures of a province or a district."""

    code: str
    name_en: str
    name_ur: str
    province: str
    households: int
    people: int
    qualifying: int
    qualifying_people: int
    through_second_cutoff: int
    excluded_by_wealth: int
    quarterly_cost: int

    @property
    def name(self) -> str:
        return self.name_ur if (get_language() or "").startswith("ur") and self.name_ur else self.name_en

    @property
    def coverage(self) -> float:
        """The share of the area's households that qualify."""
        return self.qualifying / self.households if self.households else 0.0


@dataclass
class SimulationReport:
    model: str  # the model's version
    source: str  # "registry", or the survey's file names
    cutoff: float
    disabled_cutoff: float | None
    benefit: int
    wealth_filters: bool
    total: AreaFigures
    provinces: list[AreaFigures]
    districts: list[AreaFigures]
    errors: dict | None = field(default=None)  # on a survey: poor share, inclusion and exclusion errors

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "SimulationReport":
        areas = {key: [AreaFigures(**row) for row in data[key]] for key in ("provinces", "districts")}
        return cls(**(data | areas | {"total": AreaFigures(**data["total"])}))

    def table(self) -> str:
        """The report as text for a terminal: the scenario, the totals, and a line per province."""
        second = (
            f", {self.disabled_cutoff:g} with a disabled member" if self.disabled_cutoff is not None else ""
        )
        t = self.total
        lines = [
            f"Model {self.model} on {self.source}: score at or below {self.cutoff:g}{second}",
            f"Wealth filters {'applied' if self.wealth_filters else 'not applied'}; "
            f"benefit Rs {self.benefit:,} a household a quarter",
            "",
            f"Households qualifying        {t.qualifying:>12,} of {t.households:,} ({t.coverage:.1%})",
            f"People in them               {t.qualifying_people:>12,} of {t.people:,}",
            f"  through the second cutoff  {t.through_second_cutoff:>12,}",
            f"  kept out by wealth filters {t.excluded_by_wealth:>12,}",
            f"Quarterly cost               {'Rs ' + format(t.quarterly_cost, ','):>12}",
        ]
        if self.errors:
            lines += [
                f"Inclusion error              {self.errors['inclusion_error']:>12.1%}   (qualifying but not poor)",
                f"Exclusion error              {self.errors['exclusion_error']:>12.1%}   (poor but not qualifying)",
                f"  poor: the poorest {self.errors['poor_share']:.0%} by consumption per person",
            ]
        lines += ["", f"{'Province':<28}{'qualifying':>12}{'people':>12}{'coverage':>10}{'cost (Rs)':>16}"]
        lines += [f"{p.name_en[:27]:<28}{p.qualifying:>12,}{p.qualifying_people:>12,}{p.coverage:>10.1%}"
                  f"{p.quarterly_cost:>16,}" for p in self.provinces]  # fmt: skip
        return "\n".join(lines)

    def district_rows(self) -> list[list]:
        """The district table for a spreadsheet, header first."""
        header = ["province", "district_code", "district", *_COUNTS, "coverage", "quarterly_cost"]
        rows = [[d.province, d.code, d.name_en, *(getattr(d, c) for c in _COUNTS), round(d.coverage, 4),
                 d.quarterly_cost] for d in self.districts]  # fmt: skip
        return [header, *rows]


@dataclass(frozen=True)
class Places:
    """English and Urdu names by code: {code: (name_en, name_ur)}; districts also by their province."""

    provinces: dict[str, tuple[str, str]]
    districts: dict[str, tuple[str, str]]


def report(
    tallies: list[pl.DataFrame],
    scenario: Scenario,
    *,
    model: str,
    source: str,
    places: Places,
    errors: TargetingErrors | None = None,
) -> SimulationReport:
    """The report from the tallies of every batch."""
    schema = {"province": pl.String, "district": pl.String} | {c: pl.Int64 for c in _COUNTS}
    counts = pl.concat([t.cast(schema) for t in tallies]) if tallies else pl.DataFrame(schema=schema)
    sums = [pl.col(c).sum() for c in _COUNTS]
    by_district = counts.group_by("province", "district").agg(sums)
    by_province = counts.group_by("province").agg(sums).sort("province")

    def figures(row: dict, code: str, names: tuple[str, str], province: str) -> AreaFigures:
        counted = {c: int(row[c] or 0) for c in _COUNTS}
        return AreaFigures(code=code, name_en=names[0], name_ur=names[1], province=province, **counted,
                           quarterly_cost=counted["qualifying"] * scenario.benefit)  # fmt: skip

    def areas(frame: pl.DataFrame, key: str, names: dict[str, tuple[str, str]]) -> list[AreaFigures]:
        """One AreaFigures a row, named from `names` (a place unknown to them keeps its code as name)."""
        return [figures(row, row[key], names.get(row[key], (row[key],) * 2), row["province"])
                for row in frame.iter_rows(named=True)]  # fmt: skip

    districts = sorted(
        areas(by_district, "district", places.districts), key=lambda d: (d.province, d.name_en)
    )
    provinces = areas(by_province, "province", places.provinces)
    total = figures(counts.select(sums).row(0, named=True), "", ("", ""), "")
    return SimulationReport(
        model=model,
        source=source,
        cutoff=scenario.cutoff,
        disabled_cutoff=scenario.disabled_cutoff,
        benefit=scenario.benefit,
        wealth_filters=scenario.wealth_filters,
        total=total,
        provinces=provinces,
        districts=districts,
        errors=None if errors is None else {
            "poor_share": scenario.poor_share,
            "inclusion_error": round(errors.inclusion_error, 4),
            "exclusion_error": round(errors.exclusion_error, 4),
            "deciles": [round(share, 4) for share in errors.decile_coverage],
        },
    )  # fmt: skip


def survey_errors(survey: pl.DataFrame, scenario: Scenario) -> TargetingErrors:
    """The inclusion and exclusion errors of the scenario's selection on a survey's households (a
    frame with `log_consumption` beside the batch columns)."""
    selected = survey.select(scenario.qualifies()).to_series().to_numpy()
    return targeting_errors(
        np.asarray(selected, dtype=bool), survey["log_consumption"].to_numpy(), scenario.poor_share
    )

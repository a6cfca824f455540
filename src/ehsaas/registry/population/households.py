"""Households: where they live, how well off they are, and the dwelling and assets that show it.

Welfare is drawn first, per household: a *visible* part `v` (the district's offset, an urban premium
and a household draw) that the household's traits reflect, and a *hidden* part the traits cannot see.
Log per-capita consumption is their sum (minus a little for large households). Every trait is then
drawn from a probit on the standardised visible welfare `s`, so that a proxy-means-test regression of
log consumption on the traits explains about half of its variance, as real PMT models do (R² 0.4–0.6),
and no more.
"""

import numpy as np

from ehsaas.registry.population.geography import COLD_PROVINCES, PROVINCES, Geography

RURAL_MEDIAN_PER_CAPITA = 8_000.0  # PKR a month, recent prices: the median for rural households
URBAN_PREMIUM = 0.3  # on log consumption
VISIBLE_SD = 0.42  # the household's own welfare draw, seen through its traits
HIDDEN_SD = 0.38  # what no trait shows (a remittance, a good harvest, debt)
SIZE_ELASTICITY = 0.25  # larger households are poorer per head at the same visible welfare

_COLD = np.array([province in COLD_PROVINCES for province in PROVINCES])
_BUFFALO_COUNTRY = np.array([province in ("PK-PB", "PK-SD") for province in PROVINCES])
_SHEEP_COUNTRY = np.array([province in ("PK-BA", "PK-KP", "PK-GB") for province in PROVINCES])

TENURE = np.array(["owned", "rented", "rent_free", "other"], dtype=object)
WALLS = np.array(["kacha", "mixed", "pakka"], dtype=object)  # poorest first
TOILET = np.array(["none", "pit", "flush"], dtype=object)
# Drinking water and cooking fuel, poorest first, for rural and for urban households.
WATER = {
    False: np.array(["well", "other", "hand_pump", "motor_pump", "piped"], dtype=object),
    True: np.array(["hand_pump", "other", "tanker", "motor_pump", "piped"], dtype=object),
}
WATER_CUTS = {False: [-1.5, -1.2, 0.35, 1.3], True: [-1.8, -1.6, -1.2, -0.3]}
FUEL = {
    False: np.array(["dung", "crop_residue", "wood", "other", "lpg", "gas"], dtype=object),
    True: np.array(["wood", "other", "lpg", "electricity", "gas"], dtype=object),
}
FUEL_CUTS = {False: [-1.2, -0.7, 0.75, 0.8, 1.5], True: [-1.6, -1.5, -0.4, -0.3]}

# Assets: (intercept, slope on welfare, urban shift, needs electricity), probit scale.
ASSETS = {
    "refrigerator": (-0.35, 0.95, 0.55, True),
    "freezer": (-2.0, 0.7, 0.3, True),
    "air_conditioner": (-2.65, 1.0, 0.6, True),
    "air_cooler": (-1.0, 0.7, 0.6, True),
    "washing_machine": (0.0, 0.9, 0.45, True),
    "television": (-0.3, 0.85, 0.9, True),
    "computer": (-2.2, 0.95, 0.5, True),
    "cooking_range": (-1.9, 0.8, 0.6, False),
    "heater": (-1.7, 0.5, 0.3, False),
    "motorcycle": (-0.35, 0.65, 0.1, False),
    "car": (-2.5, 0.95, 0.4, False),
    "tractor": (-1.0, 0.6, -1.0, False),
}

_MOHALLAS = (
    ("Model Town", "ماڈل ٹاؤن"), ("Satellite Town", "سیٹلائٹ ٹاؤن"), ("Gulshan-e-Iqbal", "گلشن اقبال"),
    ("Shadman", "شادمان"), ("Islampura", "اسلام پورہ"), ("Rehmanpura", "رحمان پورہ"),
    ("Gulberg", "گلبرگ"), ("Civil Lines", "سول لائنز"), ("New Town", "نیو ٹاؤن"),
    ("Madina Colony", "مدینہ کالونی"), ("Faisal Colony", "فیصل کالونی"), ("Iqbal Town", "اقبال ٹاؤن"),
    ("Sabzi Mandi", "سبزی منڈی"), ("Railway Colony", "ریلوے کالونی"), ("Gulistan-e-Jauhar", "گلستان جوہر"),
    ("Orangi Town", "اورنگی ٹاؤن"), ("Hayatabad", "حیات آباد"), ("Shah Faisal Colony", "شاہ فیصل کالونی"),
    ("Mohalla Qadirabad", "محلہ قادر آباد"), ("Ghousia Colony", "غوثیہ کالونی"),
)  # fmt: skip
# Words villages are named with, per province (Latin, Urdu): a chak number, or a place word and a name.
_VILLAGE_WORDS = {
    "PK-PB": (("Basti", "بستی"), ("Mauza", "موضع"), ("Dhok", "ڈھوک")),
    "PK-SD": (("Goth", "گوٹھ"), ("Village", "گاؤں")),
    "PK-KP": (("Village", "گاؤں"), ("Kalay", "کلے")),
    "PK-BA": (("Killi", "کلی"), ("Goth", "گوٹھ")),
    "PK-IS": (("Village", "گاؤں"), ("Dhok", "ڈھوک")),
    "PK-GB": (("Village", "گاؤں"), ("Mohalla", "محلہ")),
    "PK-JK": (("Village", "گاؤں"), ("Dhok", "ڈھوک")),
}


def probit(rng: np.random.Generator, index: np.ndarray) -> np.ndarray:
    """True with probability Φ(index): a latent normal crossing zero."""
    return index + rng.standard_normal(index.shape) > 0


def place(rng: np.random.Generator, geo: Geography, n: int) -> dict[str, np.ndarray]:
    """Districts by population, urban or rural by the district's urban share, a tehsil, a point."""
    district = np.searchsorted(np.cumsum(geo.weight), rng.random(n) * geo.weight.sum(), side="right")
    district = np.minimum(district, geo.size - 1)
    urban = rng.random(n) < geo.urban_share[district]
    count = geo.tehsil_count[district]
    tehsil = np.where(count > 0, geo.tehsil_start[district] + (rng.random(n) * count).astype(np.int64), -1)
    spread = np.where(urban, 0.04, 0.12)  # degrees: towns are compact, rural households spread out
    return {
        "district": district,
        "province": geo.province_index[district],
        "urban": urban,
        "tehsil": tehsil,
        "latitude": geo.latitude[district] + rng.standard_normal(n) * spread,
        "longitude": geo.longitude[district] + rng.standard_normal(n) * spread,
    }


def welfare(rng: np.random.Generator, geo: Geography, hh: dict) -> None:
    """Visible welfare `visible` (log scale) and its standardised score `s`; the hidden part."""
    n = len(hh["district"])
    hh["visible"] = geo.welfare[hh["district"]] + URBAN_PREMIUM * hh["urban"] + rng.normal(0, VISIBLE_SD, n)
    hh["s"] = (hh["visible"] - 0.05) / 0.45
    hh["hidden"] = rng.normal(0, HIDDEN_SD, n)


def consumption(hh: dict, size: np.ndarray) -> np.ndarray:
    """Household monthly consumption in PKR, rounded to the rupee."""
    log_per_capita = (
        np.log(RURAL_MEDIAN_PER_CAPITA)
        + hh["visible"]
        + hh["hidden"]
        - SIZE_ELASTICITY * (np.log(size) - np.log(6.0))
    )
    return np.round(np.exp(log_per_capita) * size)


def _ordered(rng: np.random.Generator, latent: np.ndarray, cuts: list[float]) -> np.ndarray:
    return np.searchsorted(np.array(cuts), latent + rng.standard_normal(latent.shape))


def dwelling(rng: np.random.Generator, hh: dict, size: np.ndarray) -> None:
    """Rooms, tenure, walls, toilet, water, fuel, electricity, assets, livestock and land."""
    n = len(size)
    s, urban, province = hh["s"], hh["urban"], hh["province"]
    rural = ~urban
    hh["rooms"] = np.clip(
        np.round(np.exp(0.25 + 0.28 * s + 0.3 * np.log(size) + rng.normal(0, 0.3, n))), 1, 20
    ).astype(np.int64)
    tenure_u = rng.random(n) + np.where(s < -1, 0.04, 0)  # the poorest more often live rent-free
    hh["tenure"] = TENURE[
        np.where(
            urban,
            np.searchsorted([0.68, 0.93, 0.99], rng.random(n)),
            np.searchsorted([0.85, 0.89, 0.99], tenure_u),
        )
    ]
    hh["walls"] = WALLS[_ordered(rng, 0.95 * s + 0.9 * urban, [-0.75, -0.2])]
    hh["toilet"] = TOILET[_ordered(rng, 1.0 * s + 1.0 * urban, [-1.3, -0.45])]
    water, fuel = np.empty(n, dtype=object), np.empty(n, dtype=object)
    for is_urban in (False, True):
        mask = urban == is_urban
        water[mask] = WATER[is_urban][_ordered(rng, 0.6 * s[mask], WATER_CUTS[is_urban])]
        fuel[mask] = FUEL[is_urban][_ordered(rng, 0.9 * s[mask], FUEL_CUTS[is_urban])]
    hh["water"], hh["cooking_fuel"] = water, fuel
    electricity = probit(rng, 1.45 + 0.6 * s + 1.0 * urban - 0.5 * (province == PROVINCES.index("PK-BA")))
    hh["electricity"] = electricity
    for name, (intercept, slope, urban_shift, needs_power) in ASSETS.items():
        index = intercept + slope * s + urban_shift * urban
        if name == "heater":
            index = index + 0.9 * _COLD[province]
        owned = probit(rng, index)
        hh[name] = owned & electricity if needs_power else owned

    # Livestock and land are rural wealth; the very poorest still keep a goat or two.
    keeps = rural & probit(rng, -0.1 + 0.35 * s) | urban & (rng.random(n) < 0.04)
    herd = np.exp(0.5 + 0.45 * s + rng.normal(0, 0.6, n))
    hh["cattle"] = np.where(keeps, rng.poisson(herd * 0.8), 0)
    hh["buffalo"] = np.where(keeps & _BUFFALO_COUNTRY[province], rng.poisson(herd * 0.7), 0)
    hh["goats"] = np.where(
        rural & (rng.random(n) < 0.35), rng.poisson(np.exp(1.0 + rng.normal(0, 0.5, n))), 0
    )
    hh["sheep"] = np.where(
        rural & _SHEEP_COUNTRY[province] & (rng.random(n) < 0.25), rng.poisson(np.exp(1.3 + 0.3 * s)), 0
    )
    owns_land = np.where(rural, probit(rng, -0.45 + 0.7 * s), rng.random(n) < 0.03)
    acres = np.exp(0.4 + 0.6 * s + rng.normal(0, 0.8, n))
    hh["land_acres"] = np.where(owns_land, np.maximum(np.round(acres * 4) / 4, 0.25), 0.0)
    hh["tractor"] = hh["tractor"] & (hh["land_acres"] >= 5)


def addresses(rng: np.random.Generator, geo: Geography, hh: dict, family: list[str]) -> list[str]:
    """A street address in town, a village in the countryside; in Urdu for Urdu-script households.
    `family` is the household's family-name spelling, which many villages are named after."""
    n = len(family)
    district = hh["district"].tolist()
    place_en = [
        geo.tehsil_en[t] if t >= 0 else geo.name_en[d]
        for t, d in zip(hh["tehsil"].tolist(), district, strict=True)
    ]
    place_ur = [geo.name_ur[d] for d in district]
    provinces = [geo.province[d] for d in district]
    mohalla = rng.integers(0, len(_MOHALLAS), n).tolist()
    house, street, chak = (rng.integers(1, top, n).tolist() for top in (900, 40, 600))
    word_pick = rng.random(n).tolist()
    result = []
    for i, (is_urban, in_urdu, province, pick) in enumerate(
        zip(hh["urban"].tolist(), hh["urdu"].tolist(), provinces, word_pick, strict=True)
    ):
        if is_urban:
            name_en, name_ur = _MOHALLAS[mohalla[i]]
            result.append(
                f"مکان نمبر {house[i]}، گلی نمبر {street[i]}، {name_ur}، {place_ur[i]}"
                if in_urdu
                else f"House {house[i]}, Street {street[i]}, {name_en}, {place_en[i]}"
            )
        elif province == "PK-PB" and pick < 0.3:  # the canal colonies' numbered villages
            result.append(
                f"چک نمبر {chak[i]}، {place_ur[i]}" if in_urdu else f"Chak No. {chak[i]}, {place_en[i]}"
            )
        else:
            words = _VILLAGE_WORDS[province]
            word_en, word_ur = words[int(pick * len(words))]
            result.append(
                f"{word_ur} {family[i]}، {place_ur[i]}"
                if in_urdu
                else f"{word_en} {family[i]}, {place_en[i]}"
            )
    return result

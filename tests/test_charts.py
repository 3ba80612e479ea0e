"""The dashboard's colours stay apart for readers with a colour-vision deficiency, and legends keep
whole names.

Colour vision is simulated with Machado, Oliveira and Fernandes (2009), severity 1 (complete
dichromacy), applied to linear RGB; colours are compared in CIELAB (ΔE*ab, CIE 1976), where a
difference of about 2 is just noticeable and 15 or more reads as a different colour at a glance.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from views import charts

MACHADO_2009 = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
    "typical": np.eye(3),
}
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
D65 = np.array([0.95047, 1.0, 1.08883])


def linear_rgb(colour: str) -> np.ndarray:
    value = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(value <= 0.04045, value / 12.92, ((value + 0.055) / 1.055) ** 2.4)


def cielab(linear: np.ndarray) -> np.ndarray:
    xyz = SRGB_TO_XYZ @ np.clip(linear, 0, 1) / D65
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen_as(colour: str, vision: str) -> np.ndarray:
    return cielab(MACHADO_2009[vision] @ linear_rgb(colour))


def closest_pair(colours, vision: str) -> tuple[float, str, str]:
    return min((float(np.linalg.norm(seen_as(a, vision) - seen_as(b, vision))), a, b)
               for a, b in itertools.combinations(colours, 2))


def test_the_simulation_confuses_what_dichromats_confuse():
    # A check on the simulation itself: pure red and green look nearly alike to a deuteranope (the
    # classic confusion) while staying far apart for typical vision; blue and yellow stay apart.
    red, green = "#D00000", "#00A000"
    typical = np.linalg.norm(seen_as(red, "typical") - seen_as(green, "typical"))
    deutan = np.linalg.norm(seen_as(red, "deuteranopia") - seen_as(green, "deuteranopia"))
    assert typical > 80 and deutan < typical / 3
    assert np.linalg.norm(seen_as("#0000FF", "deuteranopia") - seen_as("#FFFF00", "deuteranopia")) > 80


@pytest.mark.parametrize("vision", list(MACHADO_2009))
def test_bloc_colours_stay_apart(vision):
    colours = [*charts.BLOC_COLOURS, charts.NO_DATA_COLOUR]
    distance, a, b = closest_pair(colours, vision)
    assert distance >= 15, f"{a} and {b} look alike with {vision} (ΔE {distance:.1f})"


@pytest.mark.parametrize("vision", list(MACHADO_2009))
def test_vote_colours_stay_apart(vision):
    colours = [*charts.VOTE_COLOURS.values(), charts.NO_DATA_COLOUR]
    distance, a, b = closest_pair(colours, vision)
    assert distance >= 25, f"{a} and {b} look alike with {vision} (ΔE {distance:.1f})"


def test_every_bloc_has_its_own_colour_and_shape():
    assert len(set(charts.BLOC_COLOURS)) == len(charts.BLOC_COLOURS) == len(set(charts.BLOC_SYMBOLS))


def test_legends_keep_the_whole_name():
    import pandas as pd

    name = "G77 and Non-Aligned Movement: China, Russia, Indonesia, …"
    points = pd.DataFrame({"country_code": ["CHN", "USA", "ISR"], "x": [0.0, 1.0, 1.1], "y": [0.0, 0.1, 0.2],
                           "bloc": [0, 1, 1], "bloc_name": [name, "United States and Israel"] * 1 + ["United States and Israel"]})
    figure = charts.alignment_scatter(points, {})
    legends = [trace.name for trace in figure.data]
    assert legends == ["1. G77 and Non-Aligned Movement:<br>China, Russia, Indonesia, …", "2. United States and Israel"]
    assert figure.data[0].marker.symbol != figure.data[1].marker.symbol

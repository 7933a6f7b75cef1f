"""Image features from encoded image bytes (PIL decodes, OpenCV measures).

Every feature is a plain float so a frame of them feeds gradient boosting as is.
Scales: brightness, contrast, saturation, hue shares and edge density are in
[0, 1]; colourfulness is Hasler & Süsstrunk's M on 0..255 channels; sharpness is
the variance of the Laplacian of the 0..255 grey image, which depends on image
size (compare images of similar size, as the previews of one data set are).

Faces: OpenCV's frontal-face Haar cascade (the file shipped in the opencv wheel,
no download). Its detection window is 24 px, so a face in a ~42 px Instagram
preview is at most ~20 px: the image is upscaled (bicubic) until its short side
is ``FACE_MIN_SIDE`` px before detection, which lets faces that fill a good part
of the frame fire; small faces in group shots stay undetected, so treat the count
as "a prominent face is visible" more than a head count. OpenCV 5 dropped the
cascade (and ``CascadeClassifier``) from the wheel: there ``img_faces`` is NaN,
a value gradient boosting treats as missing, and ``faces_available()`` is False.
"""

from __future__ import annotations

import io
import math
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from engine.errors import ValidationError

# Hue sectors of 60 degrees centred on the primaries and secondaries.
HUE_BINS = ("red", "yellow", "green", "cyan", "blue", "magenta")
IMAGE_FEATURES: tuple[str, ...] = (
    "img_width", "img_height", "img_aspect", "img_brightness", "img_contrast",
    "img_saturation", "img_colourfulness", *(f"img_hue_{h}" for h in HUE_BINS),
    "img_sharpness", "img_edge_density", "img_faces",
)  # fmt: skip

FACE_MIN_SIDE = 168  # ~4x a 42 px preview
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them
_MEASURE_SIDE = 512  # large photos are shrunk first: features are about look, not detail
_CHROMATIC_MIN = 0.2  # saturation and value a pixel needs for its hue to count
_CANNY_LOW, _CANNY_HIGH = 50, 150


def decode_image(data: bytes) -> np.ndarray:
    """RGB uint8 pixels (H x W x 3) of an encoded image, or a ``ValidationError``."""
    if not isinstance(data, bytes | bytearray | memoryview) or len(data) == 0:
        raise ValidationError("image must be non-empty bytes")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(bytes(data))) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError("image is too large",
                                          width=image.width, height=image.height)
                rgb = image.convert("RGB")
                rgb.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise ValidationError(f"image bytes could not be decoded: {e}") from e
    pixels = np.asarray(rgb, dtype=np.uint8)
    if pixels.ndim != 3 or min(pixels.shape[:2]) < 1:
        raise ValidationError("image has no pixels")
    return pixels


def image_features(data: bytes) -> dict[str, float]:
    """All ``IMAGE_FEATURES`` of one encoded image."""
    return rgb_features(decode_image(data))


def rgb_features(rgb: np.ndarray) -> dict[str, float]:
    """All ``IMAGE_FEATURES`` of RGB uint8 pixels."""
    height, width = rgb.shape[:2]
    shrink = _MEASURE_SIDE / max(height, width)
    if shrink < 1:
        rgb = cv2.resize(rgb, (max(1, round(width * shrink)), max(1, round(height * shrink))),
                         interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)  # Rec. 601 luma
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)  # H in 0..179, S and V in 0..255
    features: dict[str, float] = {
        "img_width": float(width),
        "img_height": float(height),
        "img_aspect": width / height,
        "img_brightness": float(grey.mean()) / 255.0,
        "img_contrast": float(grey.std()) / 255.0,  # RMS contrast
        "img_saturation": float(hsv[..., 1].mean()) / 255.0,
        "img_colourfulness": colourfulness(rgb),
    }
    features.update(_hue_shares(hsv))
    features["img_sharpness"] = float(cv2.Laplacian(grey, cv2.CV_64F).var())
    edges = cv2.Canny(grey, _CANNY_LOW, _CANNY_HIGH)
    features["img_edge_density"] = float(np.count_nonzero(edges)) / edges.size
    features["img_faces"] = count_faces(grey)
    return features


def colourfulness(rgb: np.ndarray) -> float:
    """Hasler & Süsstrunk (2003): std and mean of the rg and yb opponent channels."""
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    rg = r - g
    yb = 0.5 * (r + g) - b
    spread = math.hypot(float(rg.std()), float(yb.std()))
    centre = math.hypot(float(rg.mean()), float(yb.mean()))
    return spread + 0.3 * centre


def _hue_shares(hsv: np.ndarray) -> dict[str, float]:
    # Share of *all* pixels in each hue sector, counting only clearly coloured
    # pixels: greys and near-blacks have a meaningless hue.
    hue = hsv[..., 0].astype(np.int32)
    limit = _CHROMATIC_MIN * 255
    chromatic = (hsv[..., 1] >= limit) & (hsv[..., 2] >= limit)
    sector = ((hue + 15) % 180) // 30  # 30 OpenCV hue units = 60 degrees; red wraps
    counts = np.bincount(sector[chromatic].ravel(), minlength=len(HUE_BINS))
    return {f"img_hue_{name}": float(counts[i]) / hue.size for i, name in enumerate(HUE_BINS)}


@lru_cache(maxsize=1)
def _face_cascade() -> Any | None:
    # OpenCV >= 5 ships neither the classifier class nor the cascade files.
    classifier = getattr(cv2, "CascadeClassifier", None)
    folder = getattr(getattr(cv2, "data", None), "haarcascades", None)
    if classifier is None or folder is None:
        return None
    path = Path(folder) / "haarcascade_frontalface_default.xml"
    if not path.is_file():
        return None
    cascade = classifier(str(path))
    return None if cascade.empty() else cascade


def faces_available() -> bool:
    """Whether this OpenCV build has the Haar face cascade (OpenCV 4.x does)."""
    return _face_cascade() is not None


def count_faces(grey: np.ndarray) -> float:
    """Frontal faces in a grey image; NaN when the cascade is unavailable."""
    cascade = _face_cascade()
    if cascade is None:
        return math.nan
    short = min(grey.shape[:2])
    if short < FACE_MIN_SIDE:
        factor = FACE_MIN_SIDE / short
        grey = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    grey = cv2.equalizeHist(grey)  # the cascade was trained on equalized faces
    found = cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=4, minSize=(40, 40))
    return float(len(found))

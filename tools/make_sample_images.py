"""Draw the sample site's cover and in-article images.

The images in ``content/images/`` are not photographs: they are simple
abstract scenes (a gradient sky, a sun, layered hills, a few shapes and a
flag-red band) drawn by this script, so the sample content carries no
third-party pictures. The output is deterministic: every scene is drawn
from a fixed palette and a seeded random generator.

Run from the project root:

    .venv/bin/python tools/make_sample_images.py

Each file is a 1200x675 JPEG (16:9) at quality 72, a few tens of KB.
"""

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1200, 675
QUALITY = 72
OUT = Path(__file__).resolve().parent.parent / "content" / "images"

# name: (sky top, sky bottom, sun, hills back -> front, accent shapes, scene)
SCENES = {
    "hoi-nghi-tong-ket": ("#1d3557", "#a8c5e2", "#f1faee",
                          ["#457b9d", "#2f5f7f", "#1d3f57"], "#f4d35e", "hall"),
    "ra-quan-thang-dan-van": ("#ff9a5a", "#ffe3b3", "#fff4d6",
                              ["#7fb069", "#5a8f4a", "#3d6b35"], "#c8102e", "flags"),
    "ho-tro-sau-lu": ("#5c6b7a", "#c9d3dc", "#e8eef2",
                      ["#7a8f6a", "#5b6e4f", "#3e4d36"], "#8fb8de", "water"),
    "duong-giao-thong-nong-thon": ("#6ab0de", "#e0f3ff", "#fff8d0",
                                   ["#9ccc65", "#7cb342", "#558b2f"], "#d7ccc8", "road"),
    "ngay-cong-lao-dong": ("#87ceeb", "#f0fbff", "#fffbe0",
                           ["#a5d6a7", "#66bb6a", "#388e3c"], "#ffb300", "people"),
    "phat-dong-thi-dua": ("#7b1e1e", "#e8a0a0", "#ffd75e",
                          ["#b23a3a", "#8f2525", "#5e1414"], "#ffd75e", "stars"),
    "mo-hinh-kinh-te": ("#8ecae6", "#f1fbff", "#ffe066",
                        ["#b5e48c", "#76c893", "#34a0a4"], "#52b69a", "fields"),
    "moi-truong-xanh": ("#48cae4", "#caf0f8", "#fffde7",
                        ["#95d5b2", "#52b788", "#2d6a4f"], "#1b4332", "trees"),
    "thanh-nien-tinh-nguyen": ("#0077b6", "#90e0ef", "#ffffff",
                               ["#00b4d8", "#0096c7", "#023e8a"], "#2a9df4", "waves"),
    "nha-dai-doan-ket": ("#f4a261", "#fde4c8", "#fff1d0",
                         ["#c9b37e", "#a68a53", "#7a6338"], "#e76f51", "houses"),
    "doi-thoai-nhan-dan": ("#6d597a", "#e5c1bd", "#ffe5d9",
                           ["#b56576", "#915062", "#6d3b4c"], "#eaac8b", "circles"),
    "cai-cach-hanh-chinh": ("#264653", "#8ab6c0", "#e9f5f2",
                            ["#2a9d8f", "#237f74", "#1a5f57"], "#e9c46a", "blocks"),
    "chuyen-doi-so": ("#10002b", "#5a189a", "#e0aaff",
                      ["#3c096c", "#240046", "#10002b"], "#c77dff", "grid"),
}

FLAG_RED = "#da251d"
FLAG_YELLOW = "#ffcd00"


def rgb(value):
    value = value.lstrip("#")
    return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))


def mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def sky(draw, top, bottom):
    top, bottom = rgb(top), rgb(bottom)
    for y in range(HEIGHT):
        draw.line([(0, y), (WIDTH, y)], fill=mix(top, bottom, y / (HEIGHT - 1)))


def hill(draw, rnd, base, amplitude, colour):
    phase = rnd.uniform(0, 2 * math.pi)
    freq = rnd.uniform(1.2, 2.6)
    freq2 = rnd.uniform(3.0, 5.5)
    points = [(0, HEIGHT)]
    for x in range(0, WIDTH + 20, 20):
        t = x / WIDTH
        y = base - amplitude * (0.7 * math.sin(freq * math.pi * t + phase)
                                + 0.3 * math.sin(freq2 * math.pi * t + 2 * phase))
        points.append((x, y))
    points.append((WIDTH, HEIGHT))
    draw.polygon(points, fill=rgb(colour))


def star(draw, cx, cy, r, colour):
    points = []
    for i in range(10):
        angle = -math.pi / 2 + i * math.pi / 5
        radius = r if i % 2 == 0 else r * 0.4
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=rgb(colour))


def flag(draw, x, y, w=90, h=60):
    draw.line([(x, y), (x, y + h * 2.6)], fill=(90, 90, 90), width=5)
    draw.rectangle([x + 2, y, x + 2 + w, y + h], fill=rgb(FLAG_RED))
    star(draw, x + 2 + w / 2, y + h / 2, h * 0.32, FLAG_YELLOW)


def person(draw, x, y, s, colour):
    draw.ellipse([x - s * 0.35, y - s * 1.9, x + s * 0.35, y - s * 1.2], fill=rgb(colour))
    draw.rounded_rectangle([x - s * 0.5, y - s * 1.15, x + s * 0.5, y], radius=int(s * 0.3),
                           fill=rgb(colour))


def house(draw, x, y, s, wall, roof):
    draw.rectangle([x, y - s, x + s * 1.4, y], fill=rgb(wall))
    draw.polygon([(x - s * 0.15, y - s), (x + s * 0.7, y - s * 1.7), (x + s * 1.55, y - s)],
                 fill=rgb(roof))
    draw.rectangle([x + s * 0.55, y - s * 0.55, x + s * 0.85, y], fill=(90, 60, 40))


def accents(draw, rnd, scene, accent, front):
    a = accent
    if scene == "hall":
        draw.rectangle([0, 470, WIDTH, HEIGHT], fill=rgb("#1d3f57"))
        draw.rectangle([200, 330, 1000, 470], fill=rgb("#f1faee"))
        for i in range(7):
            draw.rectangle([230 + i * 112, 350, 300 + i * 112, 450], fill=rgb("#a8c5e2"))
        star(draw, 600, 250, 55, a)
        for row in range(3):
            for i in range(14):
                person(draw, 70 + i * 80 + row * 20, 560 + row * 45, 26, "#0b2238")
    elif scene == "flags":
        for i in range(6):
            flag(draw, 120 + i * 180, 300 + (i % 2) * 30)
        for i in range(18):
            person(draw, 40 + i * 64, 640, 28 + rnd.randint(0, 8), "#2f3e46")
    elif scene == "water":
        for i in range(9):
            y = 520 + i * 18
            draw.rectangle([0, y, WIDTH, y + 10], fill=mix(rgb(a), (255, 255, 255), i / 12))
        for i in range(3):
            x = 220 + i * 330
            draw.polygon([(x, 560), (x + 160, 560), (x + 130, 600), (x + 30, 600)],
                         fill=rgb("#f28c28"))
            person(draw, x + 80, 560, 22, "#1f2d3a")
    elif scene == "road":
        draw.polygon([(560, 380), (640, 380), (980, HEIGHT), (220, HEIGHT)], fill=rgb("#9e9e9e"))
        for i in range(6):
            y0 = 400 + i * 46
            draw.rectangle([596, y0, 604, y0 + 22 + i * 4], fill=(255, 255, 255))
        for i in range(8):
            x = 90 + i * 150 if i < 4 else 720 + (i - 4) * 130
            draw.ellipse([x - 30, 330, x + 30, 400], fill=rgb("#2e7d32"))
            draw.rectangle([x - 5, 395, x + 5, 440], fill=rgb("#5d4037"))
    elif scene == "people":
        for i in range(10):
            x = 80 + i * 115
            person(draw, x, 600 + (i % 3) * 12, 38, ["#1565c0", "#c62828", "#2e7d32"][i % 3])
        draw.rectangle([0, 440, WIDTH, 455], fill=rgb(a))
    elif scene == "stars":
        draw.rectangle([0, 0, WIDTH, 90], fill=rgb(FLAG_RED))
        for i in range(5):
            star(draw, 200 + i * 200, 45, 28, a)
        star(draw, 600, 300, 110, a)
    elif scene == "fields":
        for i in range(7):
            y = 470 + i * 30
            colour = mix(rgb(a), rgb(front), i / 7)
            draw.rectangle([0, y, WIDTH, y + 18], fill=colour)
        for i in range(5):
            draw.polygon([(150 + i * 220, 470), (200 + i * 220, 410), (250 + i * 220, 470)],
                         fill=rgb("#f0efeb"))
    elif scene == "trees":
        for i in range(14):
            x = 40 + i * 85 + rnd.randint(-15, 15)
            h = rnd.randint(90, 160)
            draw.rectangle([x - 6, 600 - h * 0.4, x + 6, 600], fill=rgb("#6b4226"))
            draw.ellipse([x - 45, 600 - h, x + 45, 600 - h * 0.35], fill=rgb(a))
    elif scene == "waves":
        for i in range(6):
            y = 500 + i * 30
            points = [(0, HEIGHT)]
            for x in range(0, WIDTH + 30, 30):
                points.append((x, y + 10 * math.sin(x / 60 + i)))
            points.append((WIDTH, HEIGHT))
            draw.polygon(points, fill=mix(rgb(a), rgb("#03045e"), i / 6))
        for i in range(8):
            person(draw, 150 + i * 125, 500, 30, "#1d3557")
            draw.rectangle([140 + i * 125, 470, 160 + i * 125, 490], fill=rgb("#ff6d00"))
    elif scene == "houses":
        for i in range(6):
            house(draw, 60 + i * 190, 600 + (i % 2) * 20, 90, "#fefae0", a)
    elif scene == "circles":
        draw.ellipse([380, 430, 820, 560], fill=rgb("#6d3b4c"))
        for i in range(12):
            angle = i / 12 * 2 * math.pi
            person(draw, 600 + 300 * math.cos(angle), 520 + 90 * math.sin(angle), 30, a)
    elif scene == "blocks":
        for i in range(5):
            x = 130 + i * 200
            draw.rounded_rectangle([x, 380, x + 150, 560], radius=12, fill=rgb("#f7f7f2"))
            draw.rectangle([x + 20, 400, x + 130, 470], fill=rgb(a))
            for j in range(3):
                draw.rectangle([x + 20, 485 + j * 22, x + 130 - j * 25, 495 + j * 22],
                               fill=rgb("#8ab6c0"))
    elif scene == "grid":
        for i in range(0, WIDTH, 60):
            draw.line([(i, 420), (WIDTH / 2 + (i - WIDTH / 2) * 3, HEIGHT)], fill=rgb(a), width=2)
        for j in range(8):
            y = 420 + j * j * 4
            draw.line([(0, y), (WIDTH, y)], fill=rgb(a), width=2)
        for i in range(30):
            x, y = rnd.randint(40, WIDTH - 40), rnd.randint(40, 380)
            r = rnd.randint(3, 9)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=rgb("#e0aaff"))
        draw.rounded_rectangle([480, 170, 720, 400], radius=28, fill=rgb("#240046"),
                               outline=rgb(a), width=6)


def draw_scene(name, spec, seed):
    top, bottom, sun, hills, accent, scene = spec
    rnd = random.Random(seed)
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    sky(draw, top, bottom)
    sx, sy, sr = rnd.randint(150, 1050), rnd.randint(90, 200), rnd.randint(45, 75)
    if scene != "stars":  # the big star takes the sun's place
        draw.ellipse([sx - sr, sy - sr, sx + sr, sy + sr], fill=rgb(sun))
    for i, colour in enumerate(hills):
        hill(draw, rnd, 380 + i * 70, 60 - i * 12, colour)
    accents(draw, rnd, scene, accent, hills[-1])
    # The flag-red band along the bottom edge, as on the portal's banner.
    draw.rectangle([0, HEIGHT - 14, WIDTH, HEIGHT], fill=rgb(FLAG_RED))
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    return image


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for seed, (name, spec) in enumerate(sorted(SCENES.items()), start=1):
        path = OUT / f"{name}.jpg"
        draw_scene(name, spec, seed).save(path, "JPEG", quality=QUALITY, optimize=True)
        print(f"{path.relative_to(OUT.parent.parent)}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()

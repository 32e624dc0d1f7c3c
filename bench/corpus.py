"""Deterministic Vietnamese corpus generator for benchmarks and scale tests.

    python bench/corpus.py OUTDIR N [--seed 42] [--images]

Writes N Markdown articles across 8 categories and 16 tags, realistic
lengths (300-900 words), dates spread over ten years, some with cover images
(one shared small JPEG, so the corpus stays light), plus the two pages.
Same seed and N give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))
from vietnamese import slugify  # noqa: E402

CATEGORIES = [
    "Tin hoạt động",
    "Dân vận khéo",
    "Mô hình điển hình",
    "Văn bản chỉ đạo",
    "Dân vận chính quyền",
    "Các vấn đề chung",
    "Đoàn thể nhân dân",
    "Xây dựng Đảng",
]
TAGS = [
    "Dân vận khéo", "Tháng Dân vận", "nông thôn mới", "Mặt trận Tổ quốc",
    "HĐND", "cải cách hành chính", "chuyển đổi số", "an sinh xã hội",
    "môi trường", "phòng chống thiên tai", "Đảng bộ", "đoàn thể",
    "thanh niên", "phụ nữ", "cựu chiến binh", "nông dân",
]
PLACES = [
    "xã Đông Hòa", "phường Bến Thủy", "huyện Đức Phong", "xã Tân Lập", "thị trấn Yên Thành",
    "xã Hưng Lộc", "huyện Quỳnh Sơn", "xã Nghĩa Đàn", "phường Trường Thi", "xã Thạch Hà",
]
SUBJECTS = [
    "Ban Dân vận Huyện ủy", "Ủy ban MTTQ Việt Nam", "Hội Nông dân", "Hội Liên hiệp Phụ nữ",
    "Đoàn Thanh niên", "Hội Cựu chiến binh", "UBND", "HĐND", "Đảng ủy", "Chi bộ",
]
ACTIONS = [
    "tổ chức hội nghị sơ kết", "phát động phong trào thi đua", "triển khai kế hoạch",
    "ra mắt mô hình", "tổng kết công tác", "tập huấn nghiệp vụ", "trao tặng quà",
    "đối thoại với Nhân dân", "kiểm tra, giám sát", "tuyên truyền, vận động",
]
TOPICS = [
    "Dân vận khéo", "xây dựng nông thôn mới", "chuyển đổi số", "cải cách hành chính",
    "bảo vệ môi trường", "phòng chống bão lũ", "an sinh xã hội", "quy chế dân chủ ở cơ sở",
    "đại đoàn kết toàn dân tộc", "giảm nghèo bền vững",
]
SENTENCES = [
    "Qua đó, nhận thức của cán bộ, đảng viên và Nhân dân về công tác dân vận được nâng lên rõ rệt.",
    "Nhiều mô hình hay, cách làm sáng tạo được nhân rộng, mang lại hiệu quả thiết thực.",
    "Hội nghị đã đánh giá kết quả đạt được, chỉ ra hạn chế và đề ra nhiệm vụ trong thời gian tới.",
    "Người dân tích cực hiến đất, góp công làm đường giao thông nông thôn, xây dựng nhà văn hóa.",
    "Các cấp ủy, chính quyền thường xuyên tiếp xúc, đối thoại, lắng nghe ý kiến của Nhân dân.",
    "Phong trào thi đua được triển khai sâu rộng, gắn với thực hiện nhiệm vụ chính trị của địa phương.",
    "Công tác tuyên truyền được đổi mới, ứng dụng mạng xã hội và các nền tảng số.",
    "Đến nay, toàn huyện đã có hàng trăm mô hình được công nhận, biểu dương kịp thời.",
    "Mặt trận và các đoàn thể phát huy vai trò giám sát, phản biện xã hội.",
    "Đời sống vật chất và tinh thần của người dân từng bước được cải thiện.",
    "Đảng bộ xã chú trọng xây dựng đội ngũ cán bộ gần dân, hiểu dân, trọng dân.",
    "Việc giải quyết thủ tục hành chính được rút ngắn thời gian, giảm phiền hà cho người dân.",
]


def article(rng: random.Random, i: int, start: dt.datetime, with_image: bool) -> tuple[str, str]:
    subject, action = rng.choice(SUBJECTS), rng.choice(ACTIONS)
    topic, place = rng.choice(TOPICS), rng.choice(PLACES)
    title = f"{subject} {place} {action} về {topic} (bài {i + 1})"
    category = CATEGORIES[i % len(CATEGORIES)]
    tags = rng.sample(TAGS, rng.randint(1, 4))
    date = start + dt.timedelta(hours=i * 4 + rng.randint(0, 3), minutes=rng.randint(0, 59))
    paragraphs = []
    for _ in range(rng.randint(5, 14)):
        paragraphs.append(" ".join(rng.choice(SENTENCES) for _ in range(rng.randint(3, 6))))
    if rng.random() < 0.4:
        paragraphs.insert(2, f"## Đẩy mạnh {topic}")
    lines = [
        f"Title: {title}",
        f"Date: {date:%Y-%m-%d %H:%M}",
        f"Category: {category}",
        f"Tags: {', '.join(tags)}",
        f"Authors: {rng.choice(['Mỹ Nhiên', 'Thanh Hà', 'Quốc Bảo', 'Ngọc Ánh'])}",
        f"Summary: {subject} {place} {action} về {topic}.",
    ]
    if with_image:
        lines += ["Image: images/bench.jpg", "ImageCaption: Ảnh: Quang cảnh hội nghị"]
    if rng.random() < 0.05:
        lines.append("Featured: true")
    body = "\n".join(lines) + "\n\n" + "\n\n".join(paragraphs) + "\n"
    folder = f"{slugify(category)}/{date:%Y}"
    return f"{folder}/{slugify(title)}.md", body


def generate(outdir: Path, n: int, seed: int = 42, images: bool = True) -> Path:
    rng = random.Random(seed)
    start = dt.datetime(2026, 11, 1) - dt.timedelta(hours=4 * n)
    outdir.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        rel, text = article(rng, i, start, images and i % 7 == 0)
        path = outdir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    pages = outdir / "pages"
    pages.mkdir(exist_ok=True)
    (pages / "gioi-thieu.md").write_text("Title: Giới thiệu\n\nChức năng, nhiệm vụ của cơ quan.\n", encoding="utf-8")
    (pages / "lien-he.md").write_text("Title: Liên hệ\n\nĐịa chỉ và số điện thoại liên hệ.\n", encoding="utf-8")
    if images:
        from PIL import Image  # noqa: PLC0415

        (outdir / "images").mkdir(exist_ok=True)
        img = Image.new("RGB", (960, 540))
        for x in range(960):
            for y in range(0, 540, 4):
                img.putpixel((x, y), (150 + x % 100, 40 + y % 120, 40))
        img.save(outdir / "images" / "bench.jpg", quality=70)
    return outdir


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-images", action="store_true")
    args = parser.parse_args(argv)
    generate(args.outdir, args.n, args.seed, not args.no_images)
    print(f"{args.n} articles in {args.outdir}")


if __name__ == "__main__":
    main()

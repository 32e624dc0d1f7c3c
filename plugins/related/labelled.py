"""A labelled corpus for testing related news: five clearly separate topics.

Articles are written from Vietnamese sentence pools, one pool per topic plus
a pool of agency boilerplate shared by every topic (as real portal articles
share it). Tags and categories are drawn at random, independent of the
topic, so they cannot tell topics apart: only the text can.

Used by ``test_related.py``; ``python plugins/related/labelled.py OUTDIR``
writes it for a look.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

PLACES = [
    "xã Đông Hòa", "phường Bến Thủy", "huyện Đức Phong", "xã Tân Lập", "thị trấn Yên Thành",
    "xã Hưng Lộc", "huyện Quỳnh Sơn", "xã Nghĩa Đàn", "phường Trường Thi", "xã Thạch Hà",
]

TOPICS = {
    "lu-lut": {
        "titles": [
            "{place} khẩn trương cứu trợ người dân vùng lũ",
            "Trao hàng cứu trợ cho các hộ bị ngập sâu tại {place}",
            "{place} tập trung khắc phục hậu quả sau trận lũ lớn",
            "Sơ tán hàng trăm hộ dân khỏi vùng ngập lụt ở {place}",
            "Cán bộ {place} bám dân, giúp bà con dọn dẹp nhà cửa sau lũ",
            "Mặt trận {place} tiếp nhận tiền, hàng ủng hộ đồng bào bị lũ lụt",
        ],
        "sentences": [
            "Nước lũ dâng nhanh trong đêm khiến nhiều ngôi nhà bị ngập sâu đến mái.",
            "Lực lượng xung kích dùng thuyền, ca nô đưa người già và trẻ em đến nơi an toàn.",
            "Các suất quà cứu trợ gồm mì tôm, nước uống đóng chai, áo phao và thuốc men.",
            "Ngay khi nước rút, bà con được hỗ trợ dọn bùn đất, vệ sinh giếng nước và chuồng trại.",
            "Nhiều tuyến đường liên thôn bị sạt lở, chia cắt, xe cứu trợ phải đi đường vòng.",
            "Trạm y tế phun hóa chất khử khuẩn để phòng dịch bệnh sau mưa lũ.",
            "Hoa màu bị vùi lấp, đàn gia súc, gia cầm bị cuốn trôi gây thiệt hại nặng nề.",
            "Ban chỉ huy phòng chống thiên tai trực ban suốt ngày đêm theo dõi mực nước sông.",
            "Các hộ có nhà bị sập, trôi được hỗ trợ tiền dựng lại nơi ở trước mùa mưa tới.",
            "Bếp ăn tập thể nấu hàng nghìn suất cơm nóng gửi tới các điểm sơ tán.",
            "Quỹ cứu trợ tiếp nhận tiền ủng hộ của doanh nghiệp, nhà hảo tâm và kiều bào.",
            "Học sinh vùng ngập lụt được tặng sách vở, cặp sách để sớm trở lại trường.",
            "Nước sông lên nhanh, vượt mức báo động ba, nhiều bản làng bị cô lập.",
            "Bộ đội, dân quân giúp dân chằng chống nhà cửa và di dời tài sản lên chỗ cao.",
        ],
    },
    "dich-vu-cong": {
        "titles": [
            "{place} hướng dẫn người dân nộp hồ sơ trực tuyến",
            "Tổ công nghệ số cộng đồng {place} hỗ trợ kích hoạt định danh điện tử",
            "{place} đẩy mạnh thanh toán không dùng tiền mặt khi làm thủ tục",
            "Dịch vụ công trực tuyến toàn trình được người dân {place} đón nhận",
            "Bộ phận một cửa {place} số hóa hồ sơ, trả kết quả qua mạng",
            "Đoàn viên {place} giúp người cao tuổi dùng ứng dụng trên điện thoại thông minh",
        ],
        "sentences": [
            "Người dân có thể nộp hồ sơ, theo dõi tiến độ và nhận kết quả ngay trên điện thoại.",
            "Tài khoản định danh điện tử mức độ hai được kích hoạt tại nhà cho người già yếu.",
            "Chữ ký số và thanh toán trực tuyến giúp rút ngắn thời gian giải quyết thủ tục.",
            "Cổng dịch vụ công quốc gia kết nối với cơ sở dữ liệu dân cư để tự điền thông tin.",
            "Tổ công nghệ số cộng đồng đến từng khu phố hướng dẫn cài đặt ứng dụng.",
            "Hồ sơ giấy được quét, số hóa và lưu trữ trên hệ thống quản lý văn bản điện tử.",
            "Tỷ lệ hồ sơ nộp qua mạng tăng mạnh, giảm hẳn cảnh xếp hàng chờ đợi tại bộ phận một cửa.",
            "Mã QR dán tại nhà văn hóa giúp tra cứu quy trình từng loại thủ tục hành chính.",
            "Cán bộ tiếp nhận tư vấn qua tổng đài, tin nhắn và nhóm trò chuyện trực tuyến.",
            "Phần mềm một cửa điện tử tự động nhắc hạn, hạn chế hồ sơ trễ hẹn.",
            "Đường truyền internet cáp quang đã phủ sóng đến tất cả các thôn, bản.",
            "Kiosk tra cứu thông tin đặt tại sảnh giúp người dân tự in phiếu hẹn.",
            "Việc đăng ký khai sinh, thường trú, cấp phiếu lý lịch tư pháp nay làm được trên mạng.",
            "Người dân đánh giá mức độ hài lòng bằng cách chấm điểm trên máy tính bảng.",
        ],
    },
    "hop-tac-xa-lua": {
        "titles": [
            "Hợp tác xã nông nghiệp {place} liên kết bao tiêu lúa cho xã viên",
            "{place} xây dựng cánh đồng lớn trồng giống lúa chất lượng cao",
            "Xã viên hợp tác xã {place} trúng mùa lúa đông xuân",
            "{place} đưa máy gặt đập liên hợp về đồng ruộng",
            "Hợp tác xã {place} cung ứng phân bón, giống lúa trả chậm cho nông dân",
            "Nông dân {place} dồn điền đổi thửa, cấy lúa theo hướng hữu cơ",
        ],
        "sentences": [
            "Hợp tác xã ký hợp đồng bao tiêu toàn bộ sản lượng lúa với giá cao hơn thị trường.",
            "Giống lúa thơm được gieo cấy đồng loạt trên cánh đồng mẫu lớn hàng trăm héc-ta.",
            "Năng suất vụ đông xuân đạt hơn bảy tấn mỗi héc-ta, xã viên rất phấn khởi.",
            "Máy cấy, máy gặt đập liên hợp thay sức người, giảm chi phí thuê nhân công.",
            "Hợp tác xã cung ứng phân bón, thuốc bảo vệ thực vật cho xã viên trả chậm sau thu hoạch.",
            "Cán bộ khuyến nông hướng dẫn bà con bón phân cân đối, phòng trừ sâu cuốn lá.",
            "Dồn điền đổi thửa giúp ruộng đồng liền vùng, thuận tiện cho cơ giới hóa.",
            "Lò sấy lúa của hợp tác xã giúp hạt thóc khô đều, không bị mốc khi gặp mưa.",
            "Thương hiệu gạo của hợp tác xã được chứng nhận sản phẩm đạt chuẩn ba sao.",
            "Đại hội xã viên thông qua phương án sản xuất, kinh doanh và phân chia lợi nhuận.",
            "Kênh mương nội đồng được kiên cố hóa, chủ động tưới tiêu cho lúa.",
            "Mô hình cấy lúa hữu cơ hạn chế phân hóa học, nuôi thêm cá trên ruộng.",
            "Rơm rạ sau gặt được cuộn lại bán làm thức ăn cho trâu bò, không đốt ngoài đồng.",
            "Ban quản trị hợp tác xã chia cổ tức cho xã viên vào dịp cuối vụ.",
        ],
    },
    "thanh-nien-tinh-nguyen": {
        "titles": [
            "Đoàn viên {place} ra quân chiến dịch Mùa hè xanh",
            "Thanh niên {place} hiến máu tình nguyện cứu người",
            "Sinh viên tình nguyện tiếp sức mùa thi tại {place}",
            "Tuổi trẻ {place} khánh thành công trình thanh niên thắp sáng đường quê",
            "Câu lạc bộ thanh niên tình nguyện {place} dạy bơi miễn phí cho trẻ em",
            "Đoàn Thanh niên {place} tổ chức ngày Chủ nhật xanh",
        ],
        "sentences": [
            "Hàng trăm đoàn viên, thanh niên mặc áo xanh tình nguyện tỏa về các thôn xóm.",
            "Các chiến sĩ tình nguyện dạy học hè, tổ chức sinh hoạt vui chơi cho thiếu nhi.",
            "Ngày hội hiến máu tiếp nhận hàng trăm đơn vị máu gửi về ngân hàng máu bệnh viện.",
            "Sinh viên tình nguyện hướng dẫn thí sinh tìm phòng thi, phát nước uống miễn phí.",
            "Tuổi trẻ lắp đặt hệ thống đèn năng lượng mặt trời chiếu sáng đường làng.",
            "Câu lạc bộ thanh niên dạy bơi cho trẻ em để phòng chống đuối nước mùa hè.",
            "Các đội hình tình nguyện ăn ở cùng người dân, cùng làm những phần việc nhỏ.",
            "Phong trào thanh niên xung kích gắn với tinh thần sẵn sàng đi bất cứ nơi đâu.",
            "Đoàn viên trẻ quét dọn, trồng cây xanh, thu gom rác thải nhựa ven bờ sông.",
            "Bí thư chi đoàn kêu gọi các bạn trẻ đăng ký tham gia chiến dịch tình nguyện.",
            "Những chuyến xe yêu thương của tuổi trẻ mang áo ấm lên vùng cao.",
            "Sinh viên các trường đại học tham gia khám bệnh, cấp thuốc miễn phí.",
            "Đội thanh niên tình nguyện sửa chữa nhà cho gia đình chính sách neo đơn.",
            "Hội Liên hiệp Thanh niên trao giấy khen cho các tình nguyện viên tiêu biểu.",
        ],
    },
    "dat-dai-doi-thoai": {
        "titles": [
            "{place} đối thoại với người dân về tranh chấp đất đai",
            "Hòa giải thành vụ tranh chấp ranh giới thửa đất ở {place}",
            "Chủ tịch UBND {place} tiếp công dân, giải quyết khiếu nại về bồi thường",
            "{place} công khai phương án bồi thường, giải phóng mặt bằng",
            "Tổ hòa giải cơ sở {place} gỡ vướng mắc về quyền sử dụng đất",
            "Người dân {place} đồng thuận sau buổi đối thoại về đền bù đất",
        ],
        "sentences": [
            "Hai hộ gia đình tranh chấp ranh giới thửa đất kéo dài nhiều năm đã được hòa giải thành.",
            "Chủ tịch UBND trực tiếp đối thoại, giải thích chính sách bồi thường khi thu hồi đất.",
            "Đơn khiếu nại về giá đền bù được xem xét lại theo đúng quy định của Luật Đất đai.",
            "Cán bộ địa chính đo đạc lại hiện trạng, đối chiếu với bản đồ và hồ sơ gốc.",
            "Tổ hòa giải cơ sở lắng nghe cả hai bên, phân tích lý, tình để các bên tự nguyện thỏa thuận.",
            "Phương án bồi thường, hỗ trợ tái định cư được niêm yết công khai tại nhà văn hóa.",
            "Người dân được cấp giấy chứng nhận quyền sử dụng đất sau khi hoàn tất thủ tục.",
            "Những hộ phải di dời được bố trí đất tái định cư có hạ tầng đầy đủ.",
            "Các vụ việc khiếu nại đông người được rà soát, phân loại và giao trách nhiệm giải quyết.",
            "Buổi đối thoại diễn ra thẳng thắn, cởi mở, những kiến nghị hợp lý được tiếp thu ngay.",
            "Việc lấn chiếm đất công được xử lý dứt điểm, trả lại mặt bằng cho địa phương.",
            "Thanh tra huyện kiểm tra lại quá trình thu hồi, giao đất để bảo đảm quyền lợi của dân.",
            "Hồ sơ địa chính được chỉnh lý biến động sau khi các bên thống nhất mốc giới.",
            "Ban tiếp công dân ghi nhận ý kiến, hẹn thời gian trả lời bằng văn bản.",
        ],
    },
}

# Agency boilerplate that appears in articles of every topic.
SHARED = [
    "Ban Dân vận Huyện ủy đã phối hợp chặt chẽ với Ủy ban Mặt trận Tổ quốc và các đoàn thể.",
    "Cấp ủy, chính quyền địa phương luôn quan tâm, tạo điều kiện thuận lợi cho các hoạt động.",
    "Kết quả này góp phần củng cố niềm tin của Nhân dân đối với Đảng và chính quyền.",
    "Thời gian tới, địa phương tiếp tục tổng kết, rút kinh nghiệm và nhân rộng cách làm hay.",
    "Đồng chí Bí thư Đảng ủy đánh giá cao tinh thần trách nhiệm của cán bộ, đảng viên.",
    "Công tác dân vận được triển khai theo phương châm gần dân, hiểu dân, trọng dân.",
    "Các tổ chức chính trị - xã hội phát huy tốt vai trò nòng cốt trong vận động quần chúng.",
    "Báo cáo cho thấy nhiều chỉ tiêu đã hoàn thành và vượt kế hoạch đề ra.",
    "Hội nghị cũng chỉ ra một số hạn chế cần khắc phục trong thời gian tới.",
    "Lãnh đạo huyện biểu dương các tập thể và cá nhân có thành tích xuất sắc.",
]

TAGS = ["Dân vận khéo", "Tháng Dân vận", "Mặt trận Tổ quốc", "HĐND", "Đảng bộ", "đoàn thể",
        "phụ nữ", "cựu chiến binh", "nông thôn mới", "an sinh xã hội"]
CATEGORIES = ["Tin hoạt động", "Dân vận khéo", "Mô hình điển hình", "Văn bản chỉ đạo",
              "Dân vận chính quyền", "Các vấn đề chung"]


def generate(outdir: Path, per_topic: int = 12, seed: int = 7) -> dict[str, str]:
    """Write the corpus into ``outdir``; return ``{slug: topic}``."""
    rng = random.Random(seed)
    labels = {}
    start = dt.datetime(2023, 1, 2, 8, 0)
    n = 0
    for i in range(per_topic):
        for topic, pool in TOPICS.items():
            n += 1
            slug = f"bai-{n:03d}"  # neutral: nothing outside the text names the topic
            title = rng.choice(pool["titles"]).format(place=rng.choice(PLACES))
            title = title[0].upper() + title[1:]
            sentences = rng.sample(pool["sentences"], 6) + rng.sample(SHARED, 4)
            rng.shuffle(sentences)
            body = " ".join(sentences[:5]) + "\n\n" + " ".join(sentences[5:])
            date = start + dt.timedelta(days=n * 3, hours=rng.randint(0, 9))
            tags = ", ".join(rng.sample(TAGS, rng.randint(1, 3)))
            text = (
                f"Title: {title}\nSlug: {slug}\nDate: {date:%Y-%m-%d %H:%M}\n"
                f"Category: {rng.choice(CATEGORIES)}\nTags: {tags}\n\n{body}\n"
            )
            path = outdir / "bai-viet" / f"{slug}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            labels[slug] = topic
    return labels


if __name__ == "__main__":
    generate(Path(sys.argv[1]))

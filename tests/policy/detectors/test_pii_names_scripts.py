"""pii-detector names beyond the Latin alphabet, and bare names that no lexicon knows."""

import time

import pytest

from keeptrusts.policy.detectors.pii import ENTITY_TYPES, detect

ALL = frozenset(ENTITY_TYPES)


def names(text: str) -> list[str]:
    return [text[s.start : s.end] for s in detect(text, ALL).spans if s.type == "name"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # Cyrillic and Greek: capitalised, so lexicon + surname endings + greetings in the language.
        ("Привет, Иван! Как дела?", ["Иван"]),
        ("С уважением,\nДмитрий Соколов", ["Дмитрий Соколов"]),
        ("Коллеги, Ольга Кузнецова из бухгалтерии просит доступ.", ["Ольга Кузнецова"]),
        ("Передай Ивану, что релиз готов. Спроси у Марии и Сергея Петрова.", ["Ивану", "Сергея Петрова"]),
        ("Встреча с Дмитрием Ивановым перенесена.", ["Дмитрием Ивановым"]),
        ('{"name": "Иван Петров", "email": "ivan@example.ru"}', ["Иван Петров"]),
        ("Γεια σου Γιώργο, ο Νίκος Παπαδόπουλος έστειλε το αρχείο.", ["Γιώργο", "Νίκος Παπαδόπουλος"]),
        # Arabic, Hebrew, Devanagari: titles, greetings, sign-offs, known names.
        ("مرحبا أحمد، هل يمكنك مراجعة هذا؟", ["أحمد"]),
        ("السيد خالد العتيبي طلب تقريرا.", ["خالد العتيبي"]),
        ("مع تحياتي،\nفاطمة الزهراء", ["فاطمة الزهراء"]),
        ("בברכה,\nרונית לוי", ["רונית לוי"]),
        ("היי נועה, הבילד נכשל", ["נועה"]),
        ("मेरा नाम अंकित वर्मा है और मैं बैकएंड देखता हूँ।", ["अंकित वर्मा"]),
        ("श्री रमेश कुमार ने रिपोर्ट भेजी।", ["रमेश कुमार"]),
        # Thai: a title written onto the name, the surname after a space.
        ("คุณสมชาย ใจดี ส่งไฟล์แล้ว", ["สมชาย ใจดี"]),
        # Chinese and Japanese: honorifics after, context before, family name + given characters.
        ("张伟先生明天来开会。", ["张伟"]),
        ("本次发布由王晓明负责，测试由李娜完成。", ["王晓明", "李娜"]),
        ("联系人：赵磊，电话：13800138000", ["赵磊"]),
        ("陈伟，数据库迁移脚本我已经提交了。", ["陈伟"]),
        ("田中さん、ありがとうございます。", ["田中"]),
        ("ジョン・スミスが参加します。", ["ジョン・スミス"]),
        ("私は山田太郎と申します。", ["山田太郎"]),
        # Korean: honorifics (님, 씨), particles, "저는 … 입니다", a sign-off line.
        ("김지은 님께서 요청하셨습니다.", ["김지은"]),
        ("김민수가 코드를 리뷰했습니다.", ["김민수"]),
        ("감사합니다.\n이민호 드림", ["이민호"]),
        # Structure: CSV columns and JSON keys, whatever the script.
        ('{"customer_name": "王小明", "id": 3}', ["王小明"]),
        ('{"display_name": "田中 美咲", "plan": "team"}', ["田中 美咲"]),
        ("员工编号,姓名,部门\nA1021,张伟,后端\nA1022,刘洋,数据\n", ["张伟", "刘洋"]),
        ("name,email\n김민수,kim@example.kr\nعمر فاروق,omar@example.com\n", ["김민수", "عمر فاروق"]),
        # English context in front of a name in another script.
        ("Hi 王伟, the build failed", ["王伟"]),
        ("李娜说明天发布。山田が対応します。", ["李娜", "山田"]),
        ("ודנה תשלח את הקובץ", ["דנה"]),
        ("أهلاً يزيد، شكراً على المراجعة.", ["يزيد"]),
        ("قام المهندس نزيه الحلبي بإصلاح الخطأ.", ["نزيه الحلبي"]),
        ("تحياتي،\nرهام الدباغ", ["رهام الدباغ"]),
        ("感谢诸葛亮同学的贡献。审批人：蒋雨桐", ["诸葛亮", "蒋雨桐"]),
        ("宛先：高橋 健太 様\nお疲れ様です。経理の藤原です。", ["高橋 健太", "藤原"]),
        ("| Name | Email |\n|---|---|\n| Tamsin Okoye | t@example.io |\n| 王小明 | w@example.cn |", ["Tamsin Okoye", "王小明"]),
        ("王小明 <wang@example.cn> wrote:", ["王小明"]),
        ("يا خالد، الملف جاهز", ["خالد"]),
        ('{"имя": "Вася Пупкин", "город": "Москва"} {"姓名": "张三"} {"이름": "김민수"}', ["Вася Пупкин", "张三", "김민수"]),
        ("שם,אימייל\nדנה רוזן,dana@example.co.il\n", ["דנה רוזן"]),
        ("Thanks,\nمحمد علي", ["محمد علي"]),
        ("Contact: 佐藤花子 (sato@example.jp)", ["佐藤花子"]),
    ],
)
def test_it_finds_names_in_other_scripts(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Thanks, Oluwaseun", ["Oluwaseun"]),
        ("Hi Siobhán, can you look at this?", ["Siobhán"]),
        ("cc: Nkechi", ["Nkechi"]),
        ("@Ngozi can you take a look at PR #4412?", ["Ngozi"]),
        ("hey team, Dagny is joining us from the Oslo office next week", ["Dagny"]),
        ("Bongani: I think the migration locked the table\nTamsin: yep, killing the long one now", ["Bongani", "Tamsin"]),
        ("Olá Joana,\n\no pagamento foi feito.", ["Joana"]),
        ("thx Eun-ji! the upgrade went smoothly", ["Eun-ji"]),
        ("Sincerely,\nSeo-yeon Park", ["Seo-yeon Park"]),
        ("// TODO(Yerlan): remove this fallback once the v2 API ships", ["Yerlan"]),
        ("Hi, my name's Kealoha and I'm having trouble with Slack.", ["Kealoha"]),
        ("The contract is signed by Oyelaran Adebisi on behalf of the supplier.", ["Oyelaran Adebisi"]),
        ("Requested by: Tamsin Okafor", ["Tamsin Okafor"]),
        ("Tamsin, can you check the logs? Kwabena here, quick question.", ["Tamsin", "Kwabena"]),
        ("Sven's manager approved it. Congrats to Anwuli on the promotion", ["Sven", "Anwuli"]),
        ("Tamsin O. will take this one.\n— Rhiannon", ["Tamsin O.", "Rhiannon"]),
        ("Hugs,\nTamsin", ["Tamsin"]),
        ("thanks tamsin! hey ikaika, got a sec?", ["tamsin", "ikaika"]),
        ("Nguyen Van An submitted the form. Kovács Anna approved it.", ["Nguyen Van", "Kovács Anna"]),
        ("Paging Oluwadamilare — the DB is on fire.", ["Oluwadamilare"]),
        ("Yesterday Priya merged it; me and Tamsin will pair on the rest.", ["Priya", "Tamsin"]),
        ("Zuberi and Makena are reviewing. Zuberi merged the fix. Thanks a lot Zuberi", ["Zuberi", "Makena", "Zuberi", "Zuberi"]),
        ('Cardholder: JOHN SMITH\n{"cardholder_name": "MARIA GARCIA"}', ["JOHN SMITH", "MARIA GARCIA"]),
    ],
)
def test_it_finds_bare_names_no_list_knows(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "数据库连接失败，请检查配置文件中的主机名和端口。",
        "高级工程师负责代码审查，安全团队负责渗透测试。王国的历史很长。马上就好。黄金价格上涨。",
        "お客様からの問い合わせに対応してください。皆さん、お疲れ様です。担当者に連絡してください。",
        "이번 주에 새로운 기능을 배포할 예정입니다. 고객님의 문의에 답변 드립니다. 이미지를 업로드하세요.",
        "정상적으로 처리되었습니다. 이용자 정보를 확인하세요. 선생님께 물어보세요.",
        "فشل الاتصال بقاعدة البيانات. يرجى التحقق من ملف الإعدادات.",
        "הפגישה נדחתה ליום שלישי בגלל תקלה במערכת.",
        "कल सुबह दस बजे नई रिलीज़ की योजना पर चर्चा होगी।",
        "คุณสามารถดาวน์โหลดไฟล์ได้ที่นี่ คุณภาพของโค้ดดีมาก",
        "Москва и Санкт-Петербург. Компания Яндекс выпустила обновление.",
        "Η σύνδεση με τη βάση δεδομένων απέτυχε. Ελέγξτε το αρχείο ρυθμίσεων.",
        '{"name": "支付服务", "status": "正常"} {"name": "데이터베이스"} {"name": "خدمة الدفع"}',
        "name,status\n订单服务,正常\n用户服务,故障\n",
        "Спасибо,\nКоманда поддержки",
        "此致\n敬礼",
        "@Override public void run() {}\n@Injectable()\nexport class Api {}",
        "Jordan is a great market for us, and Chad too.",
        "Dependabot merged the PR. Renovate pushed an update. Kafka and Redis are down. Terraform deployed the stack.",
        "ウォール・ストリートの記事。Приложение работает. Система упала. Машину починили.",
        '{"name": "خدمة الدفع"} {"name": "भुगतान सेवा"} مرحبا بكم، نحن سعداء',
        "| Service | Status |\n|---|---|\n| Billing Api | Up |",
        "ERROR: CONNECTION REFUSED\nWARNING: DISK FULL\nStatus: ACTIVE USER",
        "Stripe's API was down. Dependabot opened a PR. Snyk found 3 issues.\n- Redis\n- Postgres",
        "福島の原発について。文件已经上传。方便的话请回复。高兴见到你。周末愉快。",
    ],
)
def test_other_scripts_keep_hard_negatives_clean(text):
    assert names(text) == []


@pytest.mark.parametrize("unit", ["王小明和李娜", "王先生", "尊敬的", "김민수 님 ", "مرحبا أحمد ", "Привет, Иван! "])
def test_long_non_latin_text_stays_fast(unit):
    text = unit * (100_000 // len(unit))
    detect("warm up", ALL)
    started = time.perf_counter()
    detect(text, ALL)
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize("text, name", [
    ("nazwisko: Kowalska", "Kowalska"),
    ('{"фамилия": "Кравчук"}', "Кравчук"),
    ('{"επώνυμο": "Παπαδόπουλος"}', "Παπαδόπουλος"),
])
def test_a_name_under_any_listed_key_is_found(text, name):
    """Every person key gates the structured scan, not only those the English hints happen to contain."""
    assert name in names(text)

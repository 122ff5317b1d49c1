"""One synthetic customer: the facts every document of a dossier prints (name, numbers, bank, people, seals).

A dossier is built from one CustomerIdentity so that all its documents agree; defects are applied later, to
the printed copies, never to the identity itself.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from tests.synth import geo, ids
from tests.synth.textfmt import words

SURNAMES = words(
    "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 "
    "曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 沈 任 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 "
    "贾 夏 欧阳 司马"
)
GIVEN_M = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣晨建国志文博荣海东亮成"
GIVEN_F = "芳娜敏静丽艳娟霞燕玲婷雪慧莹琳颖倩洁佳琪晶秀兰凤红梅云萍珍玉蓉丹璐瑶欢悦"
NATIONS = ("汉",) * 12 + ("回", "满", "壮", "土家", "苗", "蒙古", "朝鲜")

TRADE_NAMES = words(
    "鑫源 华联 恒通 佳美 瑞丰 宏达 金盛 永泰 新世纪 天成 博远 汇通 嘉禾 盛世 广源 润丰 东方红 "
    "兴旺 百顺 益康 众诚 德润 万家福 利民 惠友 福满多 聚宝 隆昌 祥瑞 正大光 同心 和美 乐购 优品 "
    "恒昌 合力 诚信 家家乐 鸿运 金穗 丰泽 锦华 顺发 泰和 中联 新源 盛达 海纳 远航 晨光"
)
INDUSTRIES = words(
    "商贸 贸易 商贸 贸易 食品 日用品 科技 电子 酒业 副食品 建材 五金 饮料 供应链管理 实业 医药 "
    "文化用品 电器 农产品 超市管理"
)
SOLE_SUFFIXES = words("商行 经营部 便利店 超市 批发部 食品店 日用品店 烟酒店")
BUSINESS_TYPES = words("批发 零售 批发兼零售 连锁 批发兼零售 商超 餐饮 便利店")

DISTRIBUTORS = ("华瑞康源（中国）商贸有限公司", "康润食品销售（上海）有限公司", "华东恒泰饮品销售有限公司")
CARRIERS = ("顺运达物流有限公司", "中储通达供应链有限公司", "安达联运物流有限公司", "速达捷运输有限公司")

BANK_LEGAL = {
    "102": "中国工商银行股份有限公司",
    "103": "中国农业银行股份有限公司",
    "104": "中国银行股份有限公司",
    "105": "中国建设银行股份有限公司",
    "301": "交通银行股份有限公司",
    "302": "中信银行股份有限公司",
    "303": "中国光大银行股份有限公司",
    "304": "华夏银行股份有限公司",
    "305": "中国民生银行股份有限公司",
    "306": "广发银行股份有限公司",
    "307": "平安银行股份有限公司",
    "308": "招商银行股份有限公司",
    "309": "兴业银行股份有限公司",
    "310": "上海浦东发展银行股份有限公司",
    "316": "浙商银行股份有限公司",
    "403": "中国邮政储蓄银行股份有限公司",
}
BANK_SHORT = {
    "102": "中国工商银行",
    "103": "中国农业银行",
    "104": "中国银行",
    "105": "中国建设银行",
    "301": "交通银行",
    "302": "中信银行",
    "303": "中国光大银行",
    "304": "华夏银行",
    "305": "中国民生银行",
    "306": "广发银行",
    "307": "平安银行",
    "308": "招商银行",
    "309": "兴业银行",
    "310": "上海浦东发展银行",
    "316": "浙商银行",
    "403": "中国邮政储蓄银行",
}
BANK_WEIGHTS = {
    "102": 20,
    "103": 12,
    "104": 10,
    "105": 14,
    "301": 6,
    "302": 3,
    "303": 3,
    "304": 2,
    "305": 3,
    "306": 2,
    "307": 3,
    "308": 8,
    "309": 4,
    "310": 3,
    "316": 2,
    "403": 5,
}
LICENSE_TYPES = (
    "有限责任公司(自然人投资或控股)",
    "有限责任公司（自然人独资）",
    "有限责任公司(自然人独资)",
    "其他有限责任公司",
    "有限责任公司（自然人投资或控股）",
)
CAPITAL_CN = {
    50: "伍拾万元整",
    100: "壹佰万元整",
    200: "贰佰万元整",
    300: "叁佰万元整",
    500: "伍佰万元整",
    800: "捌佰万元整",
    1000: "壹仟万元整",
    2000: "贰仟万元整",
    5000: "伍仟万元整",
}
RECEIVING_TIMES = (
    "周一至周五 9:00-17:00",
    "周一至周六 8:30-17:30",
    "每天9点-5点",
    "上午9点到下午5点",
    "周一至周日 8:00-18:00",
    "工作日 9:00-18:00",
    "全天",
    "周一至周五 8:30-16:30",
)
ID_AUTHORITY_SUFFIX = "公安局"
CONTRACT_PREFIXES = ("HR", "KY", "XS", "JX", "3C")


@dataclass(frozen=True, slots=True)
class SealSpec:
    """A seal impression: its kind (contract names), legend, and shape."""

    kind: str  # company | finance | invoice | contract | receiving | personal | other
    text: str  # curved legend (company or authority name), or the person's name for personal seals
    label: str = ""  # horizontal text under the star: 收货专用章, 财务专用章 …
    number: str = ""  # tax number carried by an invoice seal
    shape: str = "round"  # round | oval | square


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    male: bool
    nation: str
    born: date
    id_number: str
    id_address: str
    id_authority: str
    id_valid_from: date
    id_valid_to: date | str  # date or "long_term"


@dataclass(slots=True)
class CustomerIdentity:
    """Everything the documents of one dossier print, as the true values."""

    sole_trader: bool
    customer_name: str
    city: geo.City
    district: str
    adcode: str
    address: str
    tax_id: str
    certificate: str  # business_license | tax_registration
    license_type: str
    legal_representative: str
    registered_capital: str
    established: date
    valid_from: date | None
    valid_to: date | str | None  # date, "long_term", or None when not printed
    business_scope: str
    bank_code: str
    bank_name: str
    bank_account: str
    bank_proof: str  # permit | basic_info | passbook
    account_holder: str
    approval_no: str
    serial_no: str
    account_opened: date
    tax_phone: str
    business_type: str
    contact_name: str
    contact_phone: str
    receiving_address: str
    receiving_time: str
    consignee: Person
    consignee_phone: str
    seals: list[SealSpec] = field(default_factory=list)
    distributor: str = DISTRIBUTORS[0]
    carrier: str = CARRIERS[0]
    contract_no: str = ""
    signing_date: date | None = None
    pickup_date: date | None = None

    @property
    def receiving_seals(self) -> list[SealSpec]:
        return [s for s in self.seals if s.kind == "receiving"]

    @property
    def tax_address(self) -> str:
        return self.address

    @property
    def consignee_name(self) -> str:
        return self.consignee.name

    @property
    def consignee_id_number(self) -> str:
        return self.consignee.id_number

    @property
    def id_valid_from(self) -> date:
        return self.consignee.id_valid_from

    @property
    def id_valid_to(self) -> date | str:
        return self.consignee.id_valid_to

    @property
    def logistics_seals(self) -> list[SealSpec]:
        """Receiving seals pressed on the logistics contract: the seal card's, unless a defect says not."""
        return self.receiving_seals


def person_name(rng: random.Random, *, male: bool) -> str:
    surname = rng.choice(SURNAMES)
    pool = GIVEN_M if male else GIVEN_F
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    return surname + given


def add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:
        return d.replace(year=d.year + n, day=28)


def random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


def make_address(rng: random.Random, city: geo.City, district: str, *, with_province: bool = True) -> str:
    road = rng.choice(geo.ROAD_STEMS) + rng.choice(geo.ROAD_SUFFIXES)
    number = rng.choice((rng.randrange(1, 60), rng.randrange(1, 400), rng.randrange(1, 1200)))
    prefix = (city.province if with_province else "") + city.city + district
    tail = ""
    r = rng.random()
    if r < 0.3:
        tail = f"{rng.randrange(1, 12)}幢{rng.randrange(1, 25)}{rng.randrange(1, 12):02d}室"
    elif r < 0.5:
        tail = f"{rng.choice(geo.BUILDING_STEMS)}{rng.choice(geo.BUILDINGS)}{rng.randrange(2, 30)}层"
        tail += f"{rng.randrange(1, 30)}{rng.randrange(1, 20):02d}室" if rng.random() < 0.6 else ""
    elif r < 0.6:
        tail = f"{rng.randrange(1, 8)}号楼{rng.randrange(1, 6)}单元{rng.randrange(101, 1800)}室"
    elif r < 0.7:
        park = rng.choice(geo.ROAD_STEMS) + rng.choice(geo.PARKS)
        tail = f"{park}{rng.choice('ABCDE')}区{rng.randrange(1, 40)}栋"
    return f"{prefix}{road}{number}号{tail}"


def make_company_name(rng: random.Random, city: geo.City, district: str, *, sole_trader: bool) -> str:
    trade = rng.choice(TRADE_NAMES)
    if sole_trader:
        industry = rng.choice(("副食品", "日用百货", "烟酒", "食品", "百货", "便利", ""))
        suffix = rng.choice(SOLE_SUFFIXES)
        place = rng.choice((city.city + district, district, city.short + "市" + district, ""))
        return f"{place}{trade}{industry}{suffix}"
    industry = rng.choice(INDUSTRIES)
    form = rng.choices(("有限公司", "有限责任公司", "股份有限公司"), weights=(70, 20, 10))[0]
    r = rng.random()
    if r < 0.55:
        name = f"{city.short}{trade}{industry}{form}"
    elif r < 0.75:
        name = f"{city.province_short}{trade}{industry}{form}"
    elif r < 0.85:
        name = f"{trade}（{city.short}）{industry}{form}"
    else:
        name = f"{city.province_short}{trade}{industry}{form}"
        name += rng.choice((f"（{city.short}分公司）", f"{city.short}分公司", f"（{district}分公司）"))
    return name


def make_bank_branch(rng: random.Random, city: geo.City, district: str) -> str:
    r = rng.random()
    if r < 0.6:
        return f"{city.short}{district.removesuffix('区').removesuffix('新') or district}支行"
    if r < 0.85:
        return f"{city.short}{rng.choice(geo.ROAD_STEMS)}{rng.choice(('路', '街', '大道'))}支行"
    return f"{city.short}分行营业部"


def make_person(
    rng: random.Random, as_of: date, *, name: str | None = None, male: bool | None = None
) -> Person:
    male = rng.random() < 0.6 if male is None else male
    name = name or person_name(rng, male=male)
    home = rng.choice(geo.CITIES)
    home_district, home_code = rng.choice(home.districts)
    born = random_date(rng, date(1958, 1, 1), date(2002, 12, 31))
    for _ in range(100):
        earliest = max(add_years(born, 16), add_years(as_of, -19))
        issued = random_date(rng, earliest, as_of - timedelta(days=30))
        age = issued.year - born.year - ((issued.month, issued.day) < (born.month, born.day))
        term = 10 if age <= 25 else 20 if age <= 45 else None
        end: date | str = "long_term" if term is None else add_years(issued, term)
        if end == "long_term" or end > as_of + timedelta(days=120):  # type: ignore[operator]
            break
    id_address = (
        make_address(rng, home, home_district)
        if rng.random() < 0.8
        else (
            f"{home.province}{home.city}{home_district}{rng.choice(geo.ROAD_STEMS)}村{rng.randrange(1, 12)}组"
            f"{rng.randrange(1, 99)}号"
        )
    )
    return Person(
        name=name,
        male=male,
        nation=rng.choice(NATIONS),
        born=born,
        id_number=ids.make_id_number(rng, home_code, born, male=male),
        id_address=id_address,
        id_authority=f"{home.city}{ID_AUTHORITY_SUFFIX}{home_district}分局"
        if rng.random() < 0.7
        else f"{home.short}市{ID_AUTHORITY_SUFFIX}{home_district}分局",
        id_valid_from=issued,
        id_valid_to=end,
    )


def _capital(rng: random.Random) -> str:
    amount = rng.choice(tuple(CAPITAL_CN))
    style = rng.randrange(4)
    if style == 0:
        return CAPITAL_CN[amount]
    if style == 1:
        return "人民币" + CAPITAL_CN[amount]
    if style == 2:
        return f"{amount}万元人民币"
    return f"{amount}万元"


def _scope(rng: random.Random) -> str:
    items = [
        "预包装食品销售",
        "日用百货销售",
        "酒类经营",
        "饮料批发",
        "食品互联网销售",
        "五金产品零售",
        "办公用品销售",
        "家用电器销售",
        "化妆品零售",
        "针纺织品销售",
        "普通货物仓储服务",
        "供应链管理服务",
        "农副产品销售",
        "日用品批发",
        "食用农产品批发",
        "国内贸易代理",
        "技术服务、技术开发",
    ]
    picked = rng.sample(items, rng.randrange(4, 9))
    return "一般项目：" + "；".join(picked) + "。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"


def make_identity(rng: random.Random, as_of: date, *, sole_trader: bool | None = None) -> CustomerIdentity:
    """A consistent, fully valid customer whose certificates are all in force on `as_of`."""
    sole_trader = rng.random() < 0.2 if sole_trader is None else sole_trader
    city = rng.choice(geo.CITIES)
    district, adcode = rng.choice(city.districts)
    name = make_company_name(rng, city, district, sole_trader=sole_trader)
    address = make_address(rng, city, district, with_province=rng.random() < 0.85)
    rep_male = rng.random() < 0.7
    rep = person_name(rng, male=rep_male)
    # A sole trader's old 税务登记证 stays valid (no forced exchange); an enterprise's only until 2017-12-31.
    if sole_trader:
        certificate = "tax_registration" if rng.random() < 0.7 else "business_license"
    else:
        certificate = (
            "tax_registration" if as_of <= date(2017, 12, 31) and rng.random() < 0.3 else ("business_license")
        )
    latest = as_of - timedelta(days=200)
    if certificate == "tax_registration":
        latest = min(latest, date(2016, 9, 30))
    established = random_date(rng, date(2003, 1, 1), latest)
    authority_code = rng.choice((adcode, city.city_adcode))
    rep_person = make_person(rng, as_of, name=rep, male=rep_male)
    if certificate == "business_license":
        tax_id = ids.make_uscc(
            rng,
            authority_code,
            sole_trader=sole_trader,
            modern=established >= date(2015, 10, 1) or rng.random() < 0.3,
        )
    elif sole_trader:
        tax_id = rep_person.id_number + rng.choice(("00", "00", "01"))
    else:
        tax_id = ids.make_org15(rng, adcode)
    valid_from: date | None = established
    valid_to: date | str | None
    if sole_trader:
        valid_to = None if rng.random() < 0.6 else "long_term"
        valid_from = None if valid_to is None else established
    elif rng.random() < 0.6:
        valid_to = "long_term"
    else:
        years = rng.choice((10, 20, 20, 30, 30, 50))
        valid_to = add_years(established, years) - timedelta(days=1)
        if valid_to < as_of + timedelta(days=365):
            valid_to = "long_term"
    if certificate == "tax_registration" and rng.random() < 0.5:
        valid_from, valid_to = None, None
    bank_code = rng.choices(tuple(BANK_WEIGHTS), weights=tuple(BANK_WEIGHTS.values()))[0]
    branch = make_bank_branch(rng, city, district)
    account_opened = random_date(
        rng, established, max(established + timedelta(days=60), as_of - timedelta(days=30))
    )
    account_opened = min(account_opened, as_of - timedelta(days=10))
    if sole_trader and rng.random() < 0.6:
        bank_proof = "passbook"
        bank_name = rng.choice((BANK_LEGAL[bank_code], BANK_SHORT[bank_code])) + branch
        bank_account = rng.choice((ids.make_card_number(rng), ids.make_passbook_account(rng)))
        account_holder = rep
    else:
        bank_proof = "permit" if account_opened < date(2019, 6, 1) else "basic_info"
        bank_name = BANK_LEGAL[bank_code] + branch
        bank_account = ids.make_corporate_account(rng, bank_code)
        account_holder = name
    contact_male = rng.random() < 0.5
    contact = rep if rng.random() < 0.3 else person_name(rng, male=contact_male)
    consignee = rep_person if rng.random() < 0.25 else make_person(rng, as_of)
    tax_phone = ids.make_fixed_phone(rng, city.area_code) if rng.random() < 0.85 else ids.make_mobile(rng)
    receiving = address if rng.random() < 0.4 else make_address(rng, city, rng.choice(city.districts)[0])
    identity = CustomerIdentity(
        sole_trader=sole_trader,
        customer_name=name,
        city=city,
        district=district,
        adcode=adcode,
        address=address,
        tax_id=tax_id,
        certificate=certificate,
        license_type="个体工商户"
        if sole_trader
        else (
            "股份有限公司(非上市、自然人投资或控股)"
            if "股份有限公司" in name
            else ("有限责任公司分公司(自然人投资或控股)" if "分公司" in name else rng.choice(LICENSE_TYPES))
        ),
        legal_representative=rep,
        registered_capital="" if sole_trader else _capital(rng),
        established=established,
        valid_from=valid_from,
        valid_to=valid_to,
        business_scope=_scope(rng),
        bank_code=bank_code,
        bank_name=bank_name,
        bank_account=bank_account,
        bank_proof=bank_proof,
        account_holder=account_holder,
        approval_no=ids.make_approval_no(rng, city.pboc),
        serial_no=ids.make_serial_no(rng),
        account_opened=account_opened,
        tax_phone=tax_phone,
        business_type=rng.choice(BUSINESS_TYPES),
        contact_name=contact,
        contact_phone=ids.make_mobile(rng),
        receiving_address=receiving,
        receiving_time=rng.choice(RECEIVING_TIMES),
        consignee=consignee,
        consignee_phone=ids.format_mobile(rng, ids.make_mobile(rng)),
        distributor=rng.choice(DISTRIBUTORS),
        carrier=rng.choice(CARRIERS),
        contract_no=f"{rng.choice(CONTRACT_PREFIXES)}-{as_of.year}-{rng.randrange(1, 99999):05d}",
        signing_date=as_of - timedelta(days=rng.randrange(1, 25)),
    )
    identity.seals = make_seal_set(rng, identity)
    return identity


def make_seal_set(rng: random.Random, who: CustomerIdentity) -> list[SealSpec]:
    """The seals reserved on the seal card; always a company seal and 1–2 receiving seals."""
    name = who.customer_name
    seals = [SealSpec("company", name)]
    if rng.random() < 0.8:
        seals.append(SealSpec("finance", name, "财务专用章", shape=rng.choice(("round", "round", "oval"))))
    if rng.random() < 0.5:
        seals.append(SealSpec("invoice", name, "发票专用章", number=who.tax_id, shape="oval"))
    if rng.random() < 0.4:
        seals.append(SealSpec("contract", name, "合同专用章"))
    if rng.random() < 0.7:
        rep = who.legal_representative
        seals.append(
            SealSpec("personal", rep + ("印" if len(rep) == 2 and rng.random() < 0.6 else ""), shape="square")
        )
    if rng.random() < 0.3:
        seals.append(SealSpec("receiving", name, "收货专用章（1）"))
        seals.append(SealSpec("receiving", name, "收货专用章（2）"))
    else:
        seals.append(SealSpec("receiving", name, "收货专用章"))
    return seals

"""Who the dossier is about: a company or a 个体工商户, its owner/representative, bank, consignee and the
supplier and carrier on the contracts. Pools are this corpus's own (other cities, banks, trades, names)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from stdnum.cn import ric

from tests.corpus2 import ids

# city, province, county codes (district name, code), phone area code, PBoC area code
CITIES: tuple[tuple[str, str, tuple[tuple[str, str], ...], str, str], ...] = (
    ("南京市", "江苏省", (("江宁区", "320115"), ("鼓楼区", "320106"), ("玄武区", "320102")), "025", "3010"),
    ("徐州市", "江苏省", (("鼓楼区", "320302"), ("云龙区", "320303"), ("泉山区", "320311")), "0516", "3030"),
    ("合肥市", "安徽省", (("蜀山区", "340104"), ("包河区", "340111"), ("瑶海区", "340102")), "0551", "3610"),
    ("武汉市", "湖北省", (("江汉区", "420103"), ("洪山区", "420111"), ("武昌区", "420106")), "027", "5210"),
    ("长沙市", "湖南省", (("岳麓区", "430104"), ("雨花区", "430111"), ("开福区", "430105")), "0731", "5510"),
    ("成都市", "四川省", (("武侯区", "510107"), ("成华区", "510108"), ("金牛区", "510106")), "028", "6510"),
    (
        "郑州市",
        "河南省",
        (("金水区", "410105"), ("二七区", "410103"), ("管城回族区", "410104")),
        "0371",
        "4910",
    ),
    ("济南市", "山东省", (("历下区", "370102"), ("槐荫区", "370104"), ("天桥区", "370105")), "0531", "4510"),
    ("福州市", "福建省", (("鼓楼区", "350102"), ("仓山区", "350104"), ("晋安区", "350111")), "0591", "3910"),
    (
        "南昌市",
        "江西省",
        (("东湖区", "360102"), ("青山湖区", "360111"), ("西湖区", "360103")),
        "0791",
        "4210",
    ),
    ("西安市", "陕西省", (("雁塔区", "610113"), ("碑林区", "610103"), ("未央区", "610112")), "029", "7910"),
    (
        "石家庄市",
        "河北省",
        (("长安区", "130102"), ("裕华区", "130108"), ("桥西区", "130104")),
        "0311",
        "1210",
    ),
)
ROADS = (
    "双龙大道",
    "龙眠大道",
    "中山北路",
    "人民中路",
    "解放西路",
    "建设大街",
    "胜利路",
    "光华大道",
    "友谊路",
    "长江路",
    "黄河路",
    "幸福南街",
    "文化路",
    "金城大道",
    "锦绣路",
    "和平路",
    "华府大道",
    "新华东街",
)
SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高梁郑罗宋谢唐韩冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
    "薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "军华建国志强秀英桂兰海燕丽娟明辉晓东春梅玉珍文斌红霞国庆子豪雨轩欣怡浩然思远立新德胜美玲"
    "宏伟翠芳永刚少峰佳琪俊杰淑贞"
)
TRADE_WORDS = (
    "联锦",
    "恒达",
    "瑞丰",
    "鑫源",
    "华腾",
    "兴隆",
    "盛世",
    "博远",
    "聚诚",
    "天和",
    "嘉禾",
    "润通",
    "启航",
    "汇金",
)
COMPANY_KINDS = (
    ("家电销售有限公司", "有限责任公司（自然人投资或控股）"),
    ("电器有限公司", "有限责任公司（自然人独资）"),
    ("商贸有限公司", "有限责任公司（自然人投资或控股）"),
    ("数码科技有限公司", "有限责任公司（自然人投资或控股）"),
    ("电子产品销售有限公司", "其他有限责任公司"),
    ("家电连锁有限责任公司", "有限责任公司（自然人投资或控股）"),
)
SHOP_KINDS = ("便利店", "商行", "经营部", "家电门市部", "电器商店", "数码通讯店")
# bank legal name, short name used on passbooks, corporate account length, account prefix, card BIN
BANKS: tuple[tuple[str, str, int, str, str], ...] = (
    ("中国工商银行股份有限公司", "中国工商银行", 19, "43010", "621226"),
    ("中国建设银行股份有限公司", "中国建设银行", 20, "32050", "621700"),
    ("中国农业银行股份有限公司", "中国农业银行", 17, "10", "622848"),
    ("中国银行股份有限公司", "中国银行", 12, "5", "621661"),
    ("交通银行股份有限公司", "交通银行", 21, "3200", "622262"),
    ("招商银行股份有限公司", "招商银行", 15, "5", "621483"),
    ("中国邮政储蓄银行股份有限公司", "中国邮政储蓄银行", 19, "93", "621799"),
    ("兴业银行股份有限公司", "兴业银行", 18, "4", "622909"),
)
BRANCH_WORDS = ("开发区", "城东", "新城", "高新", "北门", "湖滨", "大学城", "火车站", "万达广场", "科技园")
SUPPLIERS = (
    "苏宁易购集团股份有限公司",
    "海信视像科技股份有限公司",
    "美的集团电子商务有限公司",
    "创维电器销售有限公司",
)
CARRIERS = (
    "安得智联供应链科技有限公司",
    "日日顺供应链科技股份有限公司",
    "顺丰速运有限公司",
    "德邦物流股份有限公司",
)
TIMES = ("周一至周六 8:30-17:30", "周一至周五 9:00-17:00", "每天8:00-18:00", "周一至周日 9:00-20:00")
CAPITAL = ("壹佰万元整", "伍拾万元整", "叁佰万元整", "贰佰万元整", "壹仟万元整", "伍佰万元整")


@dataclass(slots=True)
class Person:
    name: str
    male: bool
    born: date
    id_number: str
    county: str
    address: str
    id_from: date
    id_years: int


@dataclass(slots=True)
class Identity:
    """Everything printed about one customer, as printed on its source document."""

    sole_trader: bool
    name: str
    tax_id: str
    license_type: str
    rep: Person
    address: str
    city: str
    area_code: str
    established: date
    valid_to: date | None  # None: 长期 (or no term for a sole trader)
    capital: str
    bank_name: str
    bank_short: str
    bank_account: str
    approval_no: str
    account_opened: date
    phone: str
    contact: Person
    contact_phone: str
    consignee: Person
    consignee_phone: str
    receiving_time: str
    receiving_address: str
    supplier: str
    carrier: str
    receiving_seals: int
    extra_seals: tuple[str, ...] = field(default_factory=tuple)
    legacy_cert: bool = False
    passbook: bool = False


def _registered_county(county: str, born: date) -> str:
    """The county code a person born in `born` could carry: the ID's address code is the one in force at
    first registration, so districts created later (江宁区 2000, 姑苏区 2012 …) give way to an older one
    of the same city."""
    city = next(c for c in CITIES if any(code == county for _, code in c[2]))
    older = (f"{county[:4]}{i:02d}" for i in range(2, 12))  # the city's old urban districts
    for code in (county, *(code for _, code in city[2] if code != county), *older):
        body = f"{code}{born:%Y%m%d}001"
        try:
            if ric.is_valid(body + ric.calc_check_digit(body + "?")):
                return code
        except KeyError:
            continue
    return county


def person(rng: random.Random, county: str, place: str, as_of: date, min_age: int = 22) -> Person:
    """A person with an ID card whose 20-year (age 26–45) or 10-year (16–25) term is current on `as_of`."""
    age = rng.randrange(min_age, min(45, as_of.year - 1985))  # born 1985+: county codes have a known history
    born = date(as_of.year - age, rng.randrange(1, 13), rng.randrange(1, 29))
    male = rng.random() < 0.6
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    while True:
        issued_age = rng.randrange(max(16, age - 19), age + 1)
        years = 10 if issued_age < 26 else 20
        id_from = date(born.year + issued_age, rng.randrange(1, 13), rng.randrange(1, 29))
        if (
            id_from < as_of - timedelta(days=30)
            and date(id_from.year + years, id_from.month, id_from.day) > as_of
        ):
            break
    number = ids.make_ric(rng, _registered_county(county, born), born, male)
    return Person(name, male, born, number, county, place, id_from, years)


def street_address(rng: random.Random, province: str, city: str, district: str) -> str:
    no = rng.randrange(3, 400)
    tail = rng.choice(
        (
            "",
            f"{rng.randrange(1, 12)}幢{rng.randrange(1, 25)}0{rng.randrange(1, 9)}室",
            "1层商铺",
            f"{rng.randrange(1, 30)}号商铺",
        )
    )
    head = province + city if rng.random() < 0.6 else city
    return f"{head}{district}{rng.choice(ROADS)}{no}号{tail}"


def make_identity(rng: random.Random, as_of: date, sole_trader: bool, legacy_cert: bool) -> Identity:
    city, province, districts, area, pboc = rng.choice(CITIES)
    district, county = rng.choice(districts)
    region = county if rng.random() < 0.7 else county[:4] + "00"
    rep = person(rng, county, street_address(rng, province, city, district), as_of, min_age=28)
    if sole_trader:
        name = f"{city}{district}{rng.choice(TRADE_WORDS)}{rng.choice(SHOP_KINDS)}"
        if rng.random() < 0.4:
            name = f"{district}{rep.name}{rng.choice(SHOP_KINDS)}"
        tax_id = ids.legacy_tin(rng, rep.id_number) if legacy_cert else ids.make_uscc(rng, region, True)
        license_type, capital = "个体工商户", ""
    else:
        word = rng.choice(TRADE_WORDS)
        suffix, license_type = rng.choice(COMPANY_KINDS)
        name = f"{city[:-1]}{word}{suffix}" if rng.random() < 0.7 else f"{word}（{city[:-1]}）{suffix}"
        tax_id = ids.make_uscc(rng, region, False)
        capital = rng.choice(CAPITAL)
    last = 2015 if legacy_cert else as_of.year - 1
    established = date(rng.randrange(2008, last), rng.randrange(1, 13), rng.randrange(1, 29))
    valid_to = None
    if not sole_trader and rng.random() < 0.55:
        years = rng.choice((20, 30))
        valid_to = date(established.year + years, established.month, established.day) - timedelta(days=1)
    bank_legal, bank_short, acc_len, acc_prefix, card_bin = rng.choice(BANKS)
    branch = (
        f"{city[:-1]}{rng.choice(BRANCH_WORDS)}支行" if rng.random() < 0.7 else f"{city[:-1]}{district}支行"
    )
    passbook = sole_trader and rng.random() < 0.75
    if passbook:
        bank_name = bank_short + branch
        account = ids.card_number(rng, card_bin, 19)
    else:
        bank_name = bank_legal + branch
        account = ids.corporate_account(rng, acc_len, acc_prefix)
    opened = established + timedelta(days=rng.randrange(10, 200))
    contact = person(rng, county, rep.address, as_of)
    consignee = contact if rng.random() < 0.3 else person(rng, county, rep.address, as_of)
    phone = ids.landline(rng, area) if rng.random() < 0.65 else ids.mobile(rng)
    recv = street_address(rng, province, city, district) if rng.random() < 0.6 else rep.address
    if rng.random() < 0.5:
        road, no, park = rng.choice(ROADS), rng.randrange(1, 300), rng.choice(TRADE_WORDS)
        zone, bay = rng.choice("ABCDE"), rng.randrange(1, 40)
        recv = f"{province}{city}{district}{road}{no}号{park}物流园{zone}区{bay}号仓库"
    extra = tuple(k for k in ("finance", "invoice", "contract") if rng.random() < 0.6)
    return Identity(
        sole_trader=sole_trader,
        name=name,
        tax_id=tax_id,
        license_type=license_type,
        rep=rep,
        address=street_address(rng, province, city, district),
        city=city,
        area_code=area,
        established=established,
        valid_to=valid_to,
        capital=capital,
        bank_name=bank_name,
        bank_short=bank_short,
        bank_account=account,
        approval_no=ids.approval_no(rng, pboc),
        account_opened=opened,
        phone=phone,
        contact=contact,
        contact_phone=ids.mobile(rng),
        consignee=consignee,
        consignee_phone=ids.mobile(rng),
        receiving_time=rng.choice(TIMES),
        receiving_address=recv,
        supplier=rng.choice(SUPPLIERS),
        carrier=rng.choice(CARRIERS),
        receiving_seals=rng.choice((1, 1, 2)),
        extra_seals=extra,
        legacy_cert=legacy_cert,
        passbook=passbook,
    )
